"""Accounts receivable in the graph: invoices, their lines and their postings."""
