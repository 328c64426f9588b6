"""Sales orders: parts sold from stock, reserved when the order is taken, consumed when
it is fulfilled, then shipped and delivered (seed 004, categories 2 and 3)."""
