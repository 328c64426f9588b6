"""Inventory: stock per part and location, kept as an append-only ledger of movements."""
