"""Customer and vehicle use cases."""
