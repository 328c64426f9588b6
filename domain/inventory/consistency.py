"""What `gateway check-inventory` reports: a stock level that disagrees with its ledger.

For every part and location, on-hand must be the sum of the pair's movements, reserved
the sum of its ACTIVE reservations, and `0 <= reserved <= on_hand`. The database's CHECK
keeps the last and the repository's single transaction the others; a finding means
something wrote around them (a manual fix in psql, a restore of one table), and the
ledger, append-only, is the truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class StockInconsistency:
    tenant_id: str
    sku: str
    product_id: str
    location_id: str
    on_hand: Decimal
    reserved: Decimal
    ledger_total: Decimal
    reservations_total: Decimal

    def problems(self) -> list[str]:
        found = []
        if self.on_hand != self.ledger_total:
            found.append(f"on hand {self.on_hand} but its movements sum to {self.ledger_total}")
        if self.reserved != self.reservations_total:
            found.append(
                f"reserved {self.reserved} but its active reservations sum to "
                f"{self.reservations_total}"
            )
        if self.reserved < 0:
            found.append(f"reserved {self.reserved} is below zero")
        if self.reserved > self.on_hand:
            found.append(f"reserved {self.reserved} is more than on hand {self.on_hand}")
        return found

    def describe(self) -> str:
        return (
            f"tenant {self.tenant_id}: {self.sku} ({self.product_id}) at {self.location_id}: "
            + "; ".join(self.problems())
        )
