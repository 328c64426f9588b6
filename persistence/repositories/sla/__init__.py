"""SLA policies per priority, and the alerts the SLA monitor raised."""
