"""Accounts receivable repositories: invoices, their number series, the chart of accounts."""
