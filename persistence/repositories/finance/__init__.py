"""Finance records: closed periods, month locks, quote cost transactions."""
