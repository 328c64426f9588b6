"""Tax calculation use cases."""
