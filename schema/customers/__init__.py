"""Customers and vehicles on the GraphQL surface."""
