"""Manual invoices: create a draft with its lines, post it, cancel it with a reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry

from domain.identity import Permission
from domain.receivables.lines import ZERO, LineRequest
from resolvers.receivables import invoices as use_cases
from resolvers.receivables import ledger
from schema.context import Info
from schema.permissions import requires
from schema.pricing.types import ItemType
from schema.receivables.types import AccountRole, GlAccount, Invoice, LocationGlAccount

WRITE = [requires(Permission.INVOICE_WRITE)]
Version = Annotated[
    int,
    strawberry.argument(description="The version you read; a stale one is VERSION_CONFLICT."),
]


@strawberry.input(description="One line to bill; tax comes from the location's tax code.")
class InvoiceLineInput:
    description: str
    item_type: ItemType
    quantity: Decimal
    unit_price: Decimal
    tax_code: str
    discount: Decimal | None = strawberry.field(
        default=None, description="Money off this line before tax; none if left out."
    )

    def to_domain(self) -> LineRequest:
        return LineRequest(
            self.description,
            self.item_type,
            self.quantity,
            self.unit_price,
            self.tax_code,
            ZERO if self.discount is None else self.discount,
        )


@strawberry.input(description="A manual invoice: whom it bills, from which location, what.")
class CreateInvoiceInput:
    customer_id: strawberry.ID
    location_id: strawberry.ID = strawberry.field(
        description="Whose tax codes tax the lines (and whose currency, unless given)."
    )
    items: list[InvoiceLineInput]
    currency: str | None = None


@strawberry.type
class ReceivablesMutations:
    @strawberry.mutation(
        description="A DRAFT invoice with its lines, taxed per line; it has no number until "
        "posted. Bad lines are refused each with its field (items[i]...).",
        permission_classes=WRITE,
    )
    async def create_invoice(self, info: Info, input: CreateInvoiceInput) -> Invoice:
        created = await use_cases.create_invoice(
            info.context.uow,
            info.context.clock,
            info.context.require(Permission.INVOICE_WRITE),
            input.customer_id,
            input.location_id,
            input.currency,
            [item.to_domain() for item in input.items],
        )
        return Invoice.from_domain(created)

    @strawberry.mutation(
        description="Post a DRAFT on postingDate (default today, UTC): the year's next "
        "number, the due date from the customer's billing terms, and Dr 1200 / Cr revenue / "
        "Cr 2100. EMPTY_INVOICE, FINANCIAL_PERIOD_CLOSED, UNKNOWN_BILLING_TERMS.",
        permission_classes=WRITE,
    )
    async def post_invoice(
        self,
        info: Info,
        invoice_id: strawberry.ID,
        version: Version,
        posting_date: date | None = None,
    ) -> Invoice:
        posted = await use_cases.post_invoice(
            info.context.uow,
            info.context.clock,
            info.context.require(Permission.INVOICE_WRITE),
            invoice_id,
            posting_date,
            version,
        )
        return Invoice.from_domain(posted)

    @strawberry.mutation(
        description="Cancel with a reason: a posted invoice's posting is reversed and "
        "InvoiceCancelledEvent published; a draft is set aside.",
        permission_classes=WRITE,
    )
    async def cancel_invoice(
        self, info: Info, invoice_id: strawberry.ID, reason: str, version: Version
    ) -> Invoice:
        cancelled = await use_cases.cancel_invoice(
            info.context.uow,
            info.context.clock,
            info.context.require(Permission.INVOICE_WRITE),
            invoice_id,
            reason,
            version,
        )
        return Invoice.from_domain(cancelled)

    @strawberry.mutation(
        description="Post a role to your own account number from now on (entries made stay "
        "as posted); a number another role posts to is GL_ACCOUNT_TAKEN.",
        permission_classes=[requires(Permission.LEDGER_WRITE)],
    )
    async def set_gl_account(
        self, info: Info, role: AccountRole, number: str, name: str
    ) -> list[GlAccount]:
        chart = await ledger.set_gl_account(info.context.uow, role, number, name)
        return GlAccount.chart(chart)

    @strawberry.mutation(
        description="Book a location's revenue (REVENUE, SERVICE_REVENUE) to its own account "
        "from the next posting on (seed 001's location GL account). Once one location has "
        "its own account for a role, posting that role at a location without one is "
        "LOCATION_GL_ACCOUNT_NOT_CONFIGURED. Another role is BAD_USER_INPUT; a number "
        "another role posts to, GL_ACCOUNT_TAKEN.",
        permission_classes=[requires(Permission.LEDGER_WRITE)],
    )
    async def set_location_gl_account(
        self, info: Info, location_id: strawberry.ID, role: AccountRole, number: str, name: str
    ) -> list[LocationGlAccount]:
        found = await ledger.set_location_gl_account(
            info.context.uow, str(location_id), role, number, name
        )
        return LocationGlAccount.at(str(location_id), found)
