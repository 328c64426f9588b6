"""`paymentReceived`: payments as they are recorded, live, for a finance dashboard.

Fed through the hub like every subscription (docs/events.md), from `PaymentReceived`
facts, read with `finance:invoice:read`: a clerk's payment and each bank statement line's.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import date, datetime
from decimal import Decimal

import strawberry

from domain.events import DomainEvent, PublishedEvent
from domain.identity import Permission
from domain.receivables.payment_events import PaymentReceived
from resolvers.events.streams import domain_events
from schema.context import Info
from schema.permissions import event_reader, requires

RECEIVED = ("PaymentReceivedEvent",)


@strawberry.type(description="Part of a received payment applied to one invoice.")
class ReceivedAllocation:
    invoice_id: strawberry.ID
    amount: Decimal


@strawberry.type(description="A payment was recorded.")
class PaymentReceivedNotice:
    cursor: str = strawberry.field(description="The event's place in your tenant's stream.")
    event_id: strawberry.ID
    payment_id: strawberry.ID
    payment_number: str
    customer_id: strawberry.ID
    amount: Decimal
    currency: str
    payment_method: str
    payment_date: date
    bank_reference: str | None
    allocations: list[ReceivedAllocation]
    received_at: datetime

    @classmethod
    def from_published(cls, published: PublishedEvent) -> PaymentReceivedNotice:
        event = published.event
        assert isinstance(event, PaymentReceived)
        return cls(
            cursor=str(published.sequence),
            event_id=strawberry.ID(event.event_id),
            payment_id=strawberry.ID(event.aggregate_id),
            payment_number=event.payment_number,
            customer_id=strawberry.ID(event.customer_id),
            amount=event.amount,
            currency=event.currency,
            payment_method=event.payment_method,
            payment_date=event.payment_date,
            bank_reference=event.bank_reference,
            allocations=[
                ReceivedAllocation(invoice_id=strawberry.ID(a.invoice_id), amount=a.amount)
                for a in event.allocations
            ],
            received_at=event.occurred_at,
        )


@strawberry.type
class PaymentSubscriptions:
    @strawberry.subscription(
        description="Payments as they are recorded: one customer's (customerId) or the "
        "whole tenant's.",
        permission_classes=[requires(Permission.INVOICE_READ)],
    )
    async def payment_received(
        self, info: Info, customer_id: strawberry.ID | None = None
    ) -> AsyncGenerator[PaymentReceivedNotice, None]:
        context = info.context
        principal = context.require(Permission.INVOICE_READ)
        may_see = event_reader(principal, context.clock, Permission.INVOICE_READ)

        def wanted(event: DomainEvent) -> bool:
            return (
                customer_id is None
                or (isinstance(event, PaymentReceived) and event.customer_id == customer_id)
            ) and may_see(event)

        stream = domain_events(
            context.hub, context.uow, principal.tenant_id, wanted, RECEIVED, None, None
        )
        async for published in stream:
            yield PaymentReceivedNotice.from_published(published)
