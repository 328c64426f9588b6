"""Finance use cases: closed periods, month locks, the costs of approved quotes."""
