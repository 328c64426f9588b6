"""Looking invoices up: one by id, pages filtered by customer, status, due dates, overdue."""

from __future__ import annotations

from datetime import date

import strawberry

from domain.identity import Permission
from resolvers.receivables import invoices as use_cases
from resolvers.receivables import ledger
from schema.context import Info
from schema.paging import Page, page_request
from schema.permissions import requires
from schema.receivables.types import (
    GlAccount,
    Invoice,
    InvoiceFilter,
    LocationGlAccount,
    TrialBalance,
)


@strawberry.type
class ReceivablesQueries:
    @strawberry.field(
        description="One invoice by its id; INVOICE_NOT_FOUND if your tenant has none.",
        permission_classes=[requires(Permission.INVOICE_READ)],
    )
    async def invoice(self, info: Info, id: strawberry.ID) -> Invoice:
        return Invoice.from_domain(await use_cases.invoice(info.context.uow, id))

    @strawberry.field(
        description="Invoices, newest first, narrowed by the filter (each field optional).",
        permission_classes=[requires(Permission.INVOICE_READ)],
    )
    async def invoices(
        self,
        info: Info,
        filter: InvoiceFilter | None = None,
        page_index: int | None = 0,
        page_size: int | None = 20,
    ) -> Page[Invoice]:
        where = (filter or InvoiceFilter()).to_domain(info.context.clock.now().date())
        page = await use_cases.invoices(
            info.context.uow, where, page_request(page_index, page_size)
        )
        return Page.of(page, Invoice.from_domain)

    @strawberry.field(
        description="Every account's debits and credits posted on or before asOf (default "
        "today, UTC), from the journal invoices post to.",
        permission_classes=[requires(Permission.LEDGER_READ)],
    )
    async def trial_balance(self, info: Info, as_of: date | None = None) -> TrialBalance:
        on = as_of or info.context.clock.now().date()
        return TrialBalance.from_domain(await ledger.trial_balance(info.context.uow, on))

    @strawberry.field(
        description="The account each role posts to (the seeds' numbers unless you set one).",
        permission_classes=[requires(Permission.LEDGER_READ)],
    )
    async def chart_of_accounts(self, info: Info) -> list[GlAccount]:
        return GlAccount.chart(await ledger.chart_of_accounts(info.context.uow))

    @strawberry.field(
        description="The account each role posts to at a location: its own, else the "
        "tenant's (LOCATION_NOT_FOUND for a location you do not have).",
        permission_classes=[requires(Permission.LEDGER_READ)],
    )
    async def location_gl_accounts(
        self, info: Info, location_id: strawberry.ID
    ) -> list[LocationGlAccount]:
        found = await ledger.location_accounts(info.context.uow, str(location_id))
        return LocationGlAccount.at(str(location_id), found)
