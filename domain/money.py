"""Money is Decimal with a currency, rounded half-up to the cent, never a float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
DEFAULT_CURRENCY = "USD"


def to_cents(amount: Decimal) -> Decimal:
    """Round half-up to the cent, the rule the pricing contract states for tax."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(value: Decimal | str | int) -> Decimal:
    """Read an amount given by a client without passing through float."""
    return value if isinstance(value, Decimal) else Decimal(str(value))
