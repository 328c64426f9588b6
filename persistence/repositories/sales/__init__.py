"""Sales orders of one tenant."""
