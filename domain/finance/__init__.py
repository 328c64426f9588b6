"""Finance: closed financial periods, month locks, and the costs an approved quote books."""
