"""Customers and their vehicles, stored per tenant."""
