"""Cash application: record a payment, apply unapplied cash later, reverse a payment;
look a payment up, list the unapplied cash a clerk has to resolve."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry

from domain.identity import Permission
from domain.receivables.allocation import AllocationRequest
from resolvers.receivables import payments as use_cases
from schema.context import Info
from schema.paging import Page, page_request
from schema.permissions import requires
from schema.receivables.payment_types import Payment, PaymentMethod

WRITE = [requires(Permission.INVOICE_WRITE)]
READ = [requires(Permission.INVOICE_READ)]
Version = Annotated[
    int,
    strawberry.argument(description="The version you read; a stale one is VERSION_CONFLICT."),
]
ALLOCATIONS = (
    "Which invoices get how much. Left out (null): the customer's open invoices in the "
    "payment's currency, oldest due first. Empty: none, all of it stays unapplied."
)


@strawberry.input(description="Part of a payment to apply to one invoice.")
class AllocationInput:
    invoice_id: strawberry.ID
    amount: Decimal

    def to_domain(self) -> AllocationRequest:
        return AllocationRequest(str(self.invoice_id), self.amount)


def _requests(given: list[AllocationInput] | None) -> list[AllocationRequest] | None:
    return None if given is None else [a.to_domain() for a in given]


@strawberry.input(description="A payment received from a customer.")
class RecordPaymentInput:
    customer_id: strawberry.ID
    amount: Decimal
    currency: str
    payment_method: PaymentMethod
    payment_date: date | None = strawberry.field(
        default=None, description="The day the money was received; today (UTC) if left out."
    )
    bank_reference: str | None = None
    allocations: list[AllocationInput] | None = strawberry.field(
        default=None, description=ALLOCATIONS
    )

    def to_domain(self) -> use_cases.PaymentRequest:
        return use_cases.PaymentRequest(
            customer_id=str(self.customer_id),
            amount=self.amount,
            currency=self.currency,
            method=self.payment_method,
            payment_date=self.payment_date,
            bank_reference=self.bank_reference,
            allocations=_requests(self.allocations),
        )


@strawberry.type
class PaymentMutations:
    @strawberry.mutation(
        description="Record a payment (Dr 1000 / Cr 1200) and apply it; the rest is the "
        "customer's unapplied cash. CUSTOMER_NOT_FOUND, INVOICE_NOT_FOUND, CURRENCY_MISMATCH, "
        "ALLOCATION_EXCEEDS_OPEN_BALANCE, ALLOCATION_EXCEEDS_PAYMENT, INVOICE_NOT_OPEN, "
        "INVOICE_OF_ANOTHER_CUSTOMER, FINANCIAL_PERIOD_CLOSED.",
        permission_classes=WRITE,
    )
    async def record_payment(self, info: Info, input: RecordPaymentInput) -> Payment:
        recorded = await use_cases.record_payment(
            info.context.uow,
            info.context.clock,
            info.context.require(Permission.INVOICE_WRITE),
            input.to_domain(),
            alone=info.context.reading_uow,
        )
        return Payment.from_domain(recorded)

    @strawberry.mutation(
        description="Apply a payment's unapplied cash to invoices (Dr 1200 unapplied / Cr "
        "1200 invoice). NOTHING_TO_APPLY when there is no cash or no open invoice.",
        permission_classes=WRITE,
    )
    async def apply_unapplied_cash(
        self,
        info: Info,
        payment_id: strawberry.ID,
        version: Version,
        allocations: Annotated[
            list[AllocationInput] | None, strawberry.argument(description=ALLOCATIONS)
        ] = None,
    ) -> Payment:
        info.context.require(Permission.INVOICE_WRITE)
        applied = await use_cases.apply_unapplied_cash(
            info.context.uow, info.context.clock, payment_id, version, _requests(allocations)
        )
        return Payment.from_domain(applied)

    @strawberry.mutation(
        description="Reverse a payment (chargeback, bounce): its invoices reopen, its posting "
        "is reversed, PaymentReversedEvent is published.",
        permission_classes=WRITE,
    )
    async def reverse_payment(
        self, info: Info, payment_id: strawberry.ID, version: Version, reason: str
    ) -> Payment:
        reversed_ = await use_cases.reverse_payment(
            info.context.uow,
            info.context.clock,
            info.context.require(Permission.INVOICE_WRITE),
            payment_id,
            version,
            reason,
        )
        return Payment.from_domain(reversed_)


@strawberry.type
class PaymentQueries:
    @strawberry.field(
        description="One payment by its id; PAYMENT_NOT_FOUND if your tenant has none.",
        permission_classes=READ,
    )
    async def payment(self, info: Info, id: strawberry.ID) -> Payment:
        return Payment.from_domain(await use_cases.payment(info.context.uow, id))

    @strawberry.field(
        description="Payments with cash not applied to any invoice yet (overpayments, bank "
        "statement lines nothing matched), newest first, for a clerk to apply.",
        permission_classes=READ,
    )
    async def unapplied_cash(
        self,
        info: Info,
        customer_id: strawberry.ID | None = None,
        page_index: int | None = 0,
        page_size: int | None = 20,
    ) -> Page[Payment]:
        page = await use_cases.payments(
            info.context.uow, customer_id, True, page_request(page_index, page_size)
        )
        return Page.of(page, Payment.from_domain)
