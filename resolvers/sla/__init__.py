"""SLA use cases: policies per priority, live alerts."""
