"""The credit check of a new order: its value, at the customer's prices, against the
credit they have left (the one rule of domain/inventory/credit.py, seed 004's
`canProcessOrder`). What they have in use is their open receivable plus the orders
they placed that are not yet fulfilled (and so not yet invoiced)."""

from __future__ import annotations

from decimal import Decimal

from domain.errors import DomainError
from domain.inventory.credit import available_credit, within_credit


class CreditLimitExceeded(DomainError):
    code = "CREDIT_LIMIT_EXCEEDED"

    def __init__(
        self, customer_id: str, value: Decimal, limit: Decimal, used: Decimal, left: Decimal
    ):
        super().__init__(
            f"Customer {customer_id} has {left} of credit left (limit {limit}, {used} in use); "
            f"this order is worth {value}. Take a payment, raise the limit or order less.",
            field="customerId",
        )
        self.details = {
            "creditLimit": str(limit),
            "currentCreditUsed": str(used),
            "availableCredit": str(left),
            "orderValue": str(value),
        }


def check_credit(
    customer_id: str, value: Decimal, credit_limit: Decimal | None, used: Decimal
) -> None:
    """CREDIT_LIMIT_EXCEEDED, with the figures, unless the order fits the credit left."""
    left = available_credit(credit_limit, used)
    if not within_credit(value, left):
        assert credit_limit is not None and left is not None
        raise CreditLimitExceeded(customer_id, value, credit_limit, used, left)
