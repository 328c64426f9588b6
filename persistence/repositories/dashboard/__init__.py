"""The operations dashboard's readings of open orders and SLA alerts."""
