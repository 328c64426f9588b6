"""Inventory use cases: the stock ledger (receive, issue, adjust, transfer, reorder points)."""
