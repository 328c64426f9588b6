"""Locations and their approval policies on the GraphQL surface."""
