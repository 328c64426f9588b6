"""Inventory in the graph: the stock ledger's mutations, queries and level types."""
