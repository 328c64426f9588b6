"""Accounts receivable use cases: invoices drafted, posted and cancelled."""
