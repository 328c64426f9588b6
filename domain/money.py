"""Money is Decimal with a currency, rounded half-up to the cent, never a float."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from domain.errors import InvalidInput

CENT = Decimal("0.01")
DEFAULT_CURRENCY = "USD"
CURRENCY = re.compile(r"^[A-Z]{3}$")


def to_cents(amount: Decimal) -> Decimal:
    """Round half-up to the cent, the rule the pricing contract states for tax."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(value: Decimal | str | int) -> Decimal:
    """Read an amount given by a client without passing through float."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


def normalize_currency(currency: str) -> str:
    return currency.strip().upper()


def check_currency(currency: str | None, field: str = "currencyUomId") -> InvalidInput | None:
    if currency is None or not currency.strip():
        return InvalidInput("Enter a currency such as USD.", field=field)
    if not CURRENCY.match(normalize_currency(currency)):
        return InvalidInput(
            f"Currency '{currency}' is not an ISO 4217 code such as USD or EUR.", field=field
        )
    return None
