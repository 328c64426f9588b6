"""The compiled read path (issue 18): planned queries answered from JSON built in PostgreSQL."""
