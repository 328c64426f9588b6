"""Finance: closed financial periods, quote cost transactions and month locks."""
