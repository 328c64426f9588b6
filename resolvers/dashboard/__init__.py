"""The operations dashboard's reading."""
