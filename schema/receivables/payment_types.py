"""Payments as clients see them: amount, method, what went to which invoice, what is
still unapplied, the journal entries posted, and the invoices in the graph."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry

from domain.identity import Permission
from domain.receivables import payment as payments
from resolvers.receivables.payments import InvoiceAllocation as DomainInvoiceAllocation
from schema.context import Info
from schema.customers.types import Customer
from schema.permissions import requires
from schema.receivables.types import Invoice, JournalEntry

PaymentStatus = strawberry.enum(payments.PaymentStatus, name="PaymentStatus")
PaymentMethod = strawberry.enum(payments.PaymentMethod, name="PaymentMethod")


@strawberry.type(description="Part of a payment applied to one invoice.")
class PaymentAllocation:
    line_no: int
    invoice_id: strawberry.ID
    amount: Decimal
    applied_on: date = strawberry.field(
        description="When it was applied (the payment date, "
        "or the day unapplied cash was applied later)."
    )

    @strawberry.field(description="The invoice paid.")
    async def invoice(self, info: Info) -> Invoice | None:
        found = await info.context.loaders.invoice_by_id.load(str(self.invoice_id))
        return None if found is None else Invoice.from_domain(found)


@strawberry.type(description="A payment received from a customer.")
class Payment:
    payment_id: strawberry.ID
    payment_number: str = strawberry.field(description="PMT-<payment year>-<six digits>.")
    customer_id: strawberry.ID
    status: PaymentStatus
    payment_method: PaymentMethod
    payment_date: date
    bank_reference: str | None
    amount: Decimal
    currency: str
    applied_amount: Decimal = strawberry.field(description="What went to invoices.")
    unapplied_amount: Decimal = strawberry.field(
        description="The customer's cash not applied yet (0 once reversed)."
    )
    allocations: list[PaymentAllocation]
    journal: list[JournalEntry]
    statement_id: str | None = strawberry.field(
        description="The bank statement the payment came from, if any."
    )
    received_at: datetime
    received_by: str
    reversed_at: datetime | None
    reversed_by: str | None
    reversal_reason: str | None
    version: int = strawberry.field(description="Send back with a change to detect conflicts.")

    @strawberry.field(
        description="The customer who paid.",
        permission_classes=[requires(Permission.CUSTOMER_READ)],
    )
    async def customer(self, info: Info) -> Customer | None:
        found = await info.context.loaders.customer_by_id.load(str(self.customer_id))
        return None if found is None else Customer.from_domain(found)

    @classmethod
    def from_domain(cls, p: payments.Payment) -> Payment:
        return cls(
            payment_id=strawberry.ID(p.id),
            payment_number=p.number,
            customer_id=strawberry.ID(p.customer_id),
            status=p.status,
            payment_method=p.method,
            payment_date=p.payment_date,
            bank_reference=p.bank_reference,
            amount=p.amount,
            currency=p.currency,
            applied_amount=p.applied,
            unapplied_amount=p.unapplied,
            allocations=[
                PaymentAllocation(
                    line_no=a.line_no,
                    invoice_id=strawberry.ID(a.invoice_id),
                    amount=a.amount,
                    applied_on=a.applied_on,
                )
                for a in p.allocations
            ],
            journal=[JournalEntry.from_domain(e) for e in p.journal],
            statement_id=p.statement_id,
            received_at=p.received_at,
            received_by=p.received_by,
            reversed_at=p.reversed_at,
            reversed_by=p.reversed_by,
            reversal_reason=p.reversal_reason,
            version=p.version,
        )


@strawberry.type(description="Money of one payment applied to this invoice.")
class InvoiceAllocation:
    payment_id: strawberry.ID
    amount: Decimal
    applied_on: date
    reversed: bool = strawberry.field(
        description="The payment was reversed: the amount no longer counts."
    )

    @strawberry.field(description="The payment the money came from.")
    async def payment(self, info: Info) -> Payment | None:
        found = await info.context.loaders.payment_by_id.load(str(self.payment_id))
        return None if found is None else Payment.from_domain(found)

    @classmethod
    def from_domain(cls, a: DomainInvoiceAllocation) -> InvoiceAllocation:
        return cls(
            payment_id=strawberry.ID(a.payment_id),
            amount=a.amount,
            applied_on=a.applied_on,
            reversed=a.reversed,
        )
