"""Location, tax code and approval policy use cases."""
