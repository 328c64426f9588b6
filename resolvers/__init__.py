"""Use cases: plain async functions over a tenant's units of work; no GraphQL here."""
