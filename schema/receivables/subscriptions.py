"""`invoiceStatusChanged`: invoices moving from one status to another, live, for a
finance dashboard.

Fed through the hub like every subscription (docs/events.md), read with
`finance:invoice:read`. The invoice's own facts say both statuses: `InvoicePosted`
(DRAFT to POSTED) and `InvoiceCancelled` (POSTED to CANCELLED). Money moves an invoice
by the facts of a payment, a reversal, a credit memo or a write-off
(`domain.receivables.status_changes`): one notice per invoice they touched, with the
status the fact recorded it had before, and the status and open balance the invoice has
when the notice goes out (read then: the fact names the invoice and the amount, not
what it came to). A draft set aside publishes nothing,
so it is not seen.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from decimal import Decimal

import strawberry

from domain.events import DomainEvent, PublishedEvent
from domain.identity import Permission
from domain.receivables.events import InvoiceCancelled, InvoicePosted
from domain.receivables.invoice import Invoice
from domain.receivables.invoice import InvoiceStatus as Status
from domain.receivables.status_changes import MOVING, moved_by, status_before
from resolvers.events.streams import domain_events
from resolvers.receivables.payments import invoices_by_id
from schema.context import Info
from schema.permissions import event_reader, requires
from schema.receivables.types import InvoiceStatus


@strawberry.type(description="An invoice moved to another status.")
class InvoiceStatusChange:
    cursor: str = strawberry.field(description="The event's place in your tenant's stream.")
    event_id: strawberry.ID
    event_type: str = strawberry.field(
        description="The fact that moved it: InvoicePostedEvent, InvoiceCancelledEvent, "
        "PaymentReceivedEvent, PaymentReversedEvent, CreditMemoIssuedEvent or "
        "WriteOffApprovedEvent."
    )
    invoice_id: strawberry.ID
    customer_id: strawberry.ID
    previous_status: InvoiceStatus | None = strawberry.field(
        description="Its status before the change; null only for a change recorded "
        "before the gateway kept it, or by another system that leaves it out."
    )
    new_status: InvoiceStatus = strawberry.field(
        description="When money moved it: its status as the notice goes out."
    )
    open_balance: Decimal = strawberry.field(description="What is still owed on it.")
    invoice_number: str | None = strawberry.field(description="Given when posted.")
    total_amount: Decimal | None = strawberry.field(description="Given when posted.")
    reason: str | None = strawberry.field(description="Why it was cancelled.")
    status_changed_at: datetime

    @classmethod
    def own(cls, published: PublishedEvent) -> InvoiceStatusChange:
        """From the invoice's own fact, which says both statuses."""
        change = published.event
        posted = isinstance(change, InvoicePosted)
        assert posted or isinstance(change, InvoiceCancelled)
        return cls(
            cursor=str(published.sequence),
            event_id=strawberry.ID(change.event_id),
            event_type=MOVING[type(change)],
            invoice_id=strawberry.ID(change.aggregate_id),
            customer_id=strawberry.ID(change.customer_id),
            previous_status=Status.DRAFT if posted else Status.POSTED,
            new_status=Status.POSTED if posted else Status.CANCELLED,
            open_balance=change.total_amount if posted else Decimal("0.00"),
            invoice_number=change.invoice_number if posted else None,
            total_amount=change.total_amount if posted else None,
            reason=None if posted else change.reason,
            status_changed_at=change.occurred_at,
        )

    @classmethod
    def by_money(cls, published: PublishedEvent, invoice: Invoice) -> InvoiceStatusChange:
        """From a payment's, reversal's, memo's or write-off's fact: the invoice as it is."""
        fact = published.event
        return cls(
            cursor=str(published.sequence),
            event_id=strawberry.ID(fact.event_id),
            event_type=MOVING[type(fact)],
            invoice_id=strawberry.ID(invoice.id),
            customer_id=strawberry.ID(invoice.customer_id),
            previous_status=status_before(fact, invoice.id),
            new_status=invoice.status,
            open_balance=invoice.open_balance,
            invoice_number=None,
            total_amount=None,
            reason=None,
            status_changed_at=fact.occurred_at,
        )


@strawberry.type
class ReceivablesSubscriptions:
    @strawberry.subscription(
        description="Invoices moving to another status (posted, paid, reopened, credited, "
        "written off, cancelled): one invoice (invoiceId), one customer's (customerId), "
        "or the whole tenant's.",
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
            moved = moved_by(event)
            return (
                bool(moved.invoice_ids)
                and (invoice_id is None or invoice_id in moved.invoice_ids)
                and (customer_id is None or moved.customer_id == customer_id)
                and may_see(event)
            )

        stream = domain_events(
            context.hub,
            context.uow,
            principal.tenant_id,
            wanted,
            tuple(MOVING.values()),
            None,
            None,
        )
        async for published in stream:
            if isinstance(published.event, InvoicePosted | InvoiceCancelled):
                yield InvoiceStatusChange.own(published)
                continue
            touched = [i for i in moved_by(published.event).invoice_ids if invoice_id in (None, i)]
            for invoice in await invoices_by_id(context.uow, touched):
                if invoice is not None:
                    yield InvoiceStatusChange.by_money(published, invoice)
