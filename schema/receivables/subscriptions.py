"""`invoiceStatusChanged`: invoices posted and cancelled, live, for a finance dashboard.

Fed through the hub like every subscription (docs/events.md): the invoice's own facts,
`InvoicePosted` (DRAFT to POSTED) and `InvoiceCancelled` (POSTED to CANCELLED), read
with `finance:invoice:read`. A draft set aside publishes nothing, so it is not seen.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from decimal import Decimal

import strawberry

from domain.events import DomainEvent, PublishedEvent
from domain.identity import Permission
from domain.receivables.events import InvoiceCancelled, InvoiceEvent, InvoicePosted
from domain.receivables.invoice import InvoiceStatus as Status
from resolvers.events.streams import domain_events
from schema.context import Info
from schema.permissions import event_reader, requires
from schema.receivables.types import InvoiceStatus

CHANGES = ("InvoicePostedEvent", "InvoiceCancelledEvent")


@strawberry.type(description="An invoice moved to another status.")
class InvoiceStatusChange:
    cursor: str = strawberry.field(description="The event's place in your tenant's stream.")
    event_id: strawberry.ID
    invoice_id: strawberry.ID
    customer_id: strawberry.ID
    previous_status: InvoiceStatus
    new_status: InvoiceStatus
    invoice_number: str | None = strawberry.field(description="Given when posted.")
    total_amount: Decimal | None = strawberry.field(description="Given when posted.")
    reason: str | None = strawberry.field(description="Why it was cancelled.")
    status_changed_at: datetime

    @classmethod
    def from_published(cls, published: PublishedEvent) -> InvoiceStatusChange:
        change = published.event
        posted = isinstance(change, InvoicePosted)
        assert posted or isinstance(change, InvoiceCancelled)
        return cls(
            cursor=str(published.sequence),
            event_id=strawberry.ID(change.event_id),
            invoice_id=strawberry.ID(change.aggregate_id),
            customer_id=strawberry.ID(change.customer_id),
            previous_status=Status.DRAFT if posted else Status.POSTED,
            new_status=Status.POSTED if posted else Status.CANCELLED,
            invoice_number=change.invoice_number if posted else None,
            total_amount=change.total_amount if posted else None,
            reason=None if posted else change.reason,
            status_changed_at=change.occurred_at,
        )


@strawberry.type
class ReceivablesSubscriptions:
    @strawberry.subscription(
        description="Invoices posted and cancelled: one invoice (invoiceId), one customer's "
        "(customerId), or the whole tenant's.",
        permission_classes=[requires(Permission.INVOICE_READ)],
    )
    async def invoice_status_changed(
        self,
        info: Info,
        invoice_id: strawberry.ID | None = None,
        customer_id: strawberry.ID | None = None,
    ) -> AsyncGenerator[InvoiceStatusChange, None]:
        context = info.context
        principal = context.require(Permission.INVOICE_READ)
        may_see = event_reader(principal, context.clock, Permission.INVOICE_READ)

        def wanted(event: DomainEvent) -> bool:
            return (
                customer_id is None
                or (isinstance(event, InvoiceEvent) and event.customer_id == customer_id)
            ) and may_see(event)

        stream = domain_events(
            context.hub, context.uow, principal.tenant_id, wanted, CHANGES, invoice_id, None
        )
        async for published in stream:
            yield InvoiceStatusChange.from_published(published)
