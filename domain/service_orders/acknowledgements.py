"""What a service order waits for from People, Order and Accounting (seed 001: fail-closed).

Seed 001's integration table marks three links "One-way -> Ack", fail-closed: a work
session is not complete until People confirms it (`com.durion.people.work_session.completed`),
and a finalized order is not billed until Order has created its sales order
(`com.durion.order.sales_order.created`) and Accounting has recorded its revenue
(`com.durion.accounting.revenue.recorded`). The order keeps one `Acknowledgement` per
thing awaited: per work session, and per billable snapshot for the other two. Finalizing
waits for People; billing waits for all three, refused with AWAITING_ACKNOWLEDGEMENT,
which names the system and the event.

An acknowledgement still awaited when the time-out has passed is flagged overdue once
(`AcknowledgementOverdue`): an operator is told rather than the order waiting silently.
Where the gateway itself is the other side, it acknowledges at once (see
`resolvers/service_orders/acknowledgements.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import ClassVar

from domain.errors import DomainError
from domain.events import DomainEvent
from domain.service_orders.events import WorkOrderEvent


class Acknowledger(StrEnum):
    """The system whose word an order waits for."""

    PEOPLE = "PEOPLE"
    ORDER = "ORDER"
    ACCOUNTING = "ACCOUNTING"


class Awaited(StrEnum):
    """What is awaited, named by the seed's event that says it happened."""

    WORK_SESSION_COMPLETED = "com.durion.people.work_session.completed"
    SALES_ORDER_CREATED = "com.durion.order.sales_order.created"
    REVENUE_RECORDED = "com.durion.accounting.revenue.recorded"

    @property
    def system(self) -> Acknowledger:
        return SYSTEM_OF[self]


SYSTEM_OF = MappingProxyType(
    {
        Awaited.WORK_SESSION_COMPLETED: Acknowledger.PEOPLE,
        Awaited.SALES_ORDER_CREATED: Acknowledger.ORDER,
        Awaited.REVENUE_RECORDED: Acknowledger.ACCOUNTING,
    }
)
BILLING_WAITS_FOR = (Awaited.SALES_ORDER_CREATED, Awaited.REVENUE_RECORDED)
"""What a finalized snapshot waits for before it is billed."""


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    """One thing an order waits for: `reference` is the work session or the snapshot.

    `acknowledged_as` is the other side's id for what it did (People's session, the
    sales order, the revenue record); `overdue_at` when the time-out alert was raised.
    """

    awaited: Awaited
    reference: str
    awaited_since: datetime
    acknowledged_at: datetime | None = None
    acknowledged_as: str | None = None
    overdue_at: datetime | None = None

    @property
    def pending(self) -> bool:
        return self.acknowledged_at is None

    @property
    def key(self) -> tuple[Awaited, str]:
        return self.awaited, self.reference

    @property
    def rank(self) -> tuple[datetime, int, str]:
        """Oldest first; of one instant, in the order the seed's flow awaits them."""
        return self.awaited_since, tuple(Awaited).index(self.awaited), self.reference


class AwaitingAcknowledgement(DomainError):
    """Fail-closed: the order waits for another system's word before it may go on."""

    code = "AWAITING_ACKNOWLEDGEMENT"

    def __init__(self, order_id: str, action: str, waiting: Acknowledgement):
        system = waiting.awaited.system.value
        super().__init__(
            f"Service order {order_id} cannot {action} yet: it awaits {system}'s "
            f"{waiting.awaited.value} for {waiting.reference} (awaited since "
            f"{waiting.awaited_since.isoformat()}). It goes on once {system} acknowledges.",
            field="serviceOrderId",
        )
        self.details = MappingProxyType(
            {
                "awaitedSystem": system,
                "awaitedEvent": waiting.awaited.value,
                "reference": waiting.reference,
            }
        )


class UnknownAcknowledgement(DomainError):
    """An acknowledgement of something the order never awaited (a wrong session or
    snapshot): refused, so the inbound consumer dead-letters it for an operator."""

    code = "UNKNOWN_ACKNOWLEDGEMENT"


@dataclass(frozen=True, kw_only=True)
class WorkSessionCompleted(DomainEvent):
    """People confirmed work session `aggregate_id` of order `workorder_id`."""

    aggregate_type = "work_session"
    awaited: ClassVar[Awaited] = Awaited.WORK_SESSION_COMPLETED

    workorder_id: str
    person_id: str

    @property
    def reference(self) -> str:
        return self.aggregate_id


@dataclass(frozen=True, kw_only=True)
class SalesOrderCreatedForWorkOrder(DomainEvent):
    """Order created sales order `aggregate_id` for snapshot `workorder_snapshot_id`."""

    aggregate_type = "sales_order"
    awaited: ClassVar[Awaited] = Awaited.SALES_ORDER_CREATED

    workorder_id: str
    workorder_snapshot_id: str
    customer_id: str
    status: str = "PENDING"

    @property
    def reference(self) -> str:
        return self.workorder_snapshot_id


@dataclass(frozen=True, kw_only=True)
class RevenueRecorded(DomainEvent):
    """Accounting recorded revenue record `aggregate_id` for snapshot
    `workorder_snapshot_id`, of `amount` (the snapshot's grand total)."""

    aggregate_type = "revenue_record"
    awaited: ClassVar[Awaited] = Awaited.REVENUE_RECORDED

    workorder_id: str
    workorder_snapshot_id: str
    amount: Decimal

    @property
    def reference(self) -> str:
        return self.workorder_snapshot_id


AcknowledgementFact = WorkSessionCompleted | SalesOrderCreatedForWorkOrder | RevenueRecorded


@dataclass(frozen=True, kw_only=True)
class AcknowledgementOverdue(WorkOrderEvent):
    """`awaited` for `reference` was still unacknowledged `timeout_seconds` after
    `awaited_since`; raised once, at `occurred_at`."""

    awaited: Awaited
    reference: str
    awaited_since: datetime
    timeout_seconds: int
    location_id: str
    customer_id: str


EVENTS = (
    WorkSessionCompleted,
    SalesOrderCreatedForWorkOrder,
    RevenueRecorded,
    AcknowledgementOverdue,
)


def first_pending(
    acknowledgements: Iterable[Acknowledgement], awaited: Iterable[Awaited]
) -> Acknowledgement | None:
    """The longest-awaited of `acknowledgements` of the kinds `awaited` still pending."""
    kinds = set(awaited)
    pending = [a for a in acknowledgements if a.pending and a.awaited in kinds]
    return min(pending, key=lambda a: (a.awaited_since, a.reference), default=None)


def acknowledged(
    acknowledgements: list[Acknowledgement], fact: AcknowledgementFact, order_id: str
) -> bool:
    """Apply `fact` in place: True if it acknowledged what was pending, False if that was
    acknowledged already (a replay changes nothing); UnknownAcknowledgement if the order
    never awaited it."""
    for index, waiting in enumerate(acknowledgements):
        if waiting.key == (fact.awaited, fact.reference):
            if not waiting.pending:
                return False
            acknowledgements[index] = replace(
                waiting, acknowledged_at=fact.occurred_at, acknowledged_as=fact.aggregate_id
            )
            return True
    raise UnknownAcknowledgement(
        f"Service order {order_id} awaits no {fact.awaited.value} for {fact.reference}; "
        "check the work session or snapshot id the event names.",
        field="reference",
    )


def overdue(
    acknowledgements: Iterable[Acknowledgement], now: datetime, timeout: timedelta
) -> list[Acknowledgement]:
    """Those pending longer than `timeout` at `now` and not flagged yet."""
    return [
        a
        for a in acknowledgements
        if a.pending and a.overdue_at is None and now - a.awaited_since > timeout
    ]
