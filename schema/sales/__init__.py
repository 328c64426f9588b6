"""Sales orders as clients see and change them."""
