"""What an order of a part would do to a customer's credit (seed 004's `CreditImpact`).

The order's value is what the customer would owe: the quantity at the customer's
effective price. Seed 004 multiplies by the unit cost, but credit is exposure to what
the customer owes, and they owe the price, not our cost.

A customer without a credit limit has unlimited credit: `availableCredit` is None and
any order can be processed. A limit of 0 means nothing on credit.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.catalog import LARGEST_PRICE, check_amount
from domain.errors import InvalidInput
from domain.inventory.pricing import EffectivePrice
from domain.money import to_cents


def check_credit_limit(limit: Decimal | None) -> InvalidInput | None:
    """No limit (None), or an amount in cents, zero or more."""
    if limit is None:
        return None
    return check_amount(limit, "creditLimit", "credit limit", LARGEST_PRICE)


@dataclass(frozen=True, slots=True)
class CreditImpact:
    customer_id: str
    price: EffectivePrice
    quantity: Decimal
    total_value: Decimal
    credit_limit: Decimal | None
    current_credit_used: Decimal
    available_credit: Decimal | None
    credit_impact: Decimal
    can_process_order: bool
    blocked_reason: str | None = None
    """Why the customer is blocked (no order proceeds then, whatever its value)."""


def available_credit(credit_limit: Decimal | None, used: Decimal) -> Decimal | None:
    """What the customer may still owe: None without a limit (unlimited)."""
    return None if credit_limit is None else credit_limit - used


def within_credit(value: Decimal, available: Decimal | None) -> bool:
    """Seed 004's `canProcessOrder`: an order of `value` fits the available credit."""
    return available is None or value <= available


def credit_impact(
    customer_id: str,
    price: EffectivePrice,
    quantity: Decimal,
    credit_limit: Decimal | None,
    used: Decimal,
    blocked_reason: str | None = None,
) -> CreditImpact:
    """The order's value against the customer's open credit (never for a blocked one)."""
    total = to_cents(quantity * price.customer_price)
    available = available_credit(credit_limit, used)
    return CreditImpact(
        customer_id=customer_id,
        price=price,
        quantity=quantity,
        total_value=total,
        credit_limit=credit_limit,
        current_credit_used=used,
        available_credit=available,
        credit_impact=total,
        can_process_order=blocked_reason is None and within_credit(total, available),
        blocked_reason=blocked_reason,
    )
