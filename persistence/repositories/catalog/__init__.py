"""The catalog's parts, services and categories, stored per tenant."""
