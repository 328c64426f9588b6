"""Service orders: a customer's request for field work, from the call to the invoice.

The package is the pure model: the order's lifecycle (`order`, `status`), the work and
parts recorded against it (`work_sessions`, `parts_usage`), the billable snapshot and
GL posting (`billing`), the response/resolution promises (`sla`) and the event payloads
the order records for the unit of work to publish (`events`). No I/O, no clock.
"""
