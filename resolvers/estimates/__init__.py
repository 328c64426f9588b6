"""Estimate use cases: editing a draft, the decisions on it, its audit trail."""
