"""Accounts receivable: the chart of accounts, balanced journal entries and invoices."""
