"""Service orders on the GraphQL surface: lifecycle, work, parts, billing, SLA policies."""
