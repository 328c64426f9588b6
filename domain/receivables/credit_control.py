"""Credit control: whether a customer may be given new work, and why not.

A customer is blocked with a reason: by a user (`blockCustomer`), for owing and having
on order more than their credit limit, or for reaching the last dunning level. While
blocked they get no new service order, no estimate approval and no sales order
(CUSTOMER_BLOCKED, with the reason) until a user with the permission unblocks them.
Their exposure is what they owe on account (the balance of their receivables account)
plus what they have on order and not yet invoiced: service orders not yet billed and
sales orders not yet fulfilled. Seed 004's rule decides whether an order of a given
size can proceed: exposure plus the order within the limit (no limit: always).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from domain.checks import check_text
from domain.errors import DomainError, collect
from domain.events import DomainEvent
from domain.inventory.credit import available_credit, within_credit

OVER_LIMIT = "Credit limit exceeded"
"""The seed's reason for a customer blocked by the credit policy."""


class BlockedCustomer(DomainError):
    code = "CUSTOMER_BLOCKED"

    def __init__(self, customer_id: str, reason: str):
        super().__init__(
            f"Customer {customer_id} is blocked: {reason}. A user allowed to unblock "
            "customers must unblock them first.",
            field="customerId",
        )
        self.details = {"reason": reason}


@dataclass(frozen=True, kw_only=True)
class CustomerBlocked(DomainEvent):
    """New work for the customer is refused from `occurred_at` on (seed 002's
    `CustomerBlockedEvent`)."""

    aggregate_type = "customer"

    reason: str


EVENTS = (CustomerBlocked,)


@dataclass(frozen=True, slots=True)
class Exposure:
    """What a customer owes and has on order, not yet invoiced."""

    open_receivable: Decimal
    open_orders: Decimal

    @property
    def total(self) -> Decimal:
        return self.open_receivable + self.open_orders


@dataclass(frozen=True, slots=True)
class OrderCreditImpact:
    """Seed 004's `CreditImpact` of an order of `amount`, for a blocked customer too."""

    customer_id: str
    amount: Decimal
    credit_limit: Decimal | None
    exposure: Exposure
    blocked_reason: str | None

    @property
    def available_credit(self) -> Decimal | None:
        return available_credit(self.credit_limit, self.exposure.total)

    @property
    def can_process_order(self) -> bool:
        return self.blocked_reason is None and within_credit(self.amount, self.available_credit)


@dataclass(slots=True, eq=False)
class CreditStanding:
    """A customer's standing with credit control: their limit and their block, if any.

    Kept on the customer's row with a version of its own, so a clerk editing the
    customer and credit control blocking them never conflict.
    """

    id: str
    tenant_id: str
    credit_limit: Decimal | None
    block_reason: str | None = None
    blocked_at: datetime | None = None
    blocked_by: str | None = None
    unblock_reason: str | None = None
    """Why the customer was last unblocked (cleared by the next block)."""
    unblocked_at: datetime | None = None
    unblocked_by: str | None = None
    version: int = 1
    events: list[DomainEvent] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return self.block_reason is not None

    def refuse_new_work(self) -> None:
        """CUSTOMER_BLOCKED, with the reason, while the customer is blocked."""
        if self.block_reason is not None:
            raise BlockedCustomer(self.id, self.block_reason)

    def over_limit(self, exposure: Exposure) -> bool:
        return self.credit_limit is not None and exposure.total > self.credit_limit

    def review(self, exposure: Exposure, at: datetime, by: str) -> None:
        """Block the customer if `exposure` is over their limit (the credit policy)."""
        if self.over_limit(exposure):
            self.block(OVER_LIMIT, at, by)

    def block(self, reason: str, at: datetime, by: str) -> None:
        """Block with `reason`; a customer already blocked keeps their first reason (and
        nobody is told twice)."""
        collect(check_text(reason, "reason", "Say why the customer is blocked.", 1000))
        if self.blocked:
            return
        self.block_reason, self.blocked_at, self.blocked_by = reason.strip(), at, by
        self.unblock_reason = self.unblocked_at = self.unblocked_by = None
        self.events.append(
            CustomerBlocked(
                aggregate_id=self.id,
                tenant_id=self.tenant_id,
                occurred_at=at,
                reason=self.block_reason,
            )
        )

    def unblock(self, reason: str, at: datetime, by: str) -> None:
        """Let the customer have new work again, saying why (a customer not blocked is
        left as they are)."""
        collect(check_text(reason, "reason", "Say why the customer is unblocked.", 1000))
        if not self.blocked:
            return
        self.block_reason = self.blocked_at = self.blocked_by = None
        self.unblock_reason, self.unblocked_at, self.unblocked_by = reason.strip(), at, by
