"""The audit trail on the GraphQL surface."""
