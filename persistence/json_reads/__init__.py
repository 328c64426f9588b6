"""The compiled read path's SQL: a planned query's JSON built in PostgreSQL (issue 18)."""
