"""Catalog use cases: parts, services, categories."""
