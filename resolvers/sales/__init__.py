"""Sales orders: taking, fulfilling, shipping and cancelling them, and reading them."""
