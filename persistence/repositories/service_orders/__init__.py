"""Service orders with the work, parts, snapshots and GL entries recorded on them."""
