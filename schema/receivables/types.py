"""Invoices as clients see them: number, status, lines, totals, dates, open balance, the
journal entries they posted, and the customer and service order they belong to."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from domain.identity import Permission
from domain.receivables import accounts, journal, ledger
from domain.receivables import invoice as invoices
from domain.receivables.lines import InvoiceLine as DomainLine
from domain.receivables.search import InvoiceFilter as DomainFilter
from schema.context import Info
from schema.customers.types import Customer
from schema.permissions import requires
from schema.pricing.types import ItemType
from schema.references import LocationType, location_of

if TYPE_CHECKING:
    from schema.receivables.payment_types import InvoiceAllocation
    from schema.sales.types import SalesOrder
    from schema.service_orders.types import ServiceOrder

AccountRole = strawberry.enum(
    accounts.AccountRole, description="What an account is posted for, whatever its number."
)
InvoiceStatus = strawberry.enum(invoices.InvoiceStatus, name="InvoiceStatus")


@strawberry.type(description="One billed line: net of its discount, taxed by its tax code.")
class InvoiceLine:
    line_no: int
    description: str
    item_type: ItemType
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal
    tax_code: str
    net_amount: Decimal
    tax_amount: Decimal
    line_total: Decimal

    @classmethod
    def from_domain(cls, line: DomainLine) -> InvoiceLine:
        return cls(
            line_no=line.line_no,
            description=line.description,
            item_type=line.item_type,
            quantity=line.quantity,
            unit_price=line.unit_price,
            discount=line.discount,
            tax_code=line.tax_code,
            net_amount=line.net_amount,
            tax_amount=line.tax_amount,
            line_total=line.line_total,
        )


@strawberry.type(description="One line of a journal entry: an account debited or credited.")
class JournalLine:
    account: str
    account_name: str
    debit: Decimal
    credit: Decimal
    invoice_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="On a payment's line: the invoice it paid (none for unapplied cash).",
    )

    @strawberry.field(description="The invoice a payment's line paid.")
    async def invoice(self, info: Info) -> Invoice | None:
        if self.invoice_id is None:
            return None
        found = await info.context.loaders.invoice_by_id.load(str(self.invoice_id))
        return None if found is None else Invoice.from_domain(found)


@strawberry.type(description="A balanced journal entry the invoice posted (or its reversal).")
class JournalEntry:
    entry_id: strawberry.ID
    posted_on: date
    memo: str
    lines: list[JournalLine]

    @classmethod
    def from_domain(cls, entry: journal.JournalEntry) -> JournalEntry:
        return cls(
            entry_id=strawberry.ID(entry.entry_id),
            posted_on=entry.posted_on,
            memo=entry.memo,
            lines=[
                JournalLine(
                    account=line.account,
                    account_name=line.account_name,
                    debit=line.debit,
                    credit=line.credit,
                    invoice_id=None if line.invoice_id is None else strawberry.ID(line.invoice_id),
                )
                for line in entry.lines
            ],
        )


@strawberry.type(description="An invoice: a DRAFT has no number; posting gives it one.")
class Invoice:
    invoice_id: strawberry.ID
    invoice_number: str | None = strawberry.field(
        description="INV-<year>-<six digits>, gapless per tenant and year; null on a draft."
    )
    customer_id: strawberry.ID
    location_id: strawberry.ID
    service_order_id: strawberry.ID | None
    sales_order_id: strawberry.ID | None = strawberry.field(
        description="The fulfilled sales order it bills, if it came from one."
    )
    contract_id: strawberry.ID | None = strawberry.field(
        description="The Contracts service's contract whose renewal it bills, if any."
    )
    billing_period_start: date | None = strawberry.field(
        description="The first day of the contract period billed (renewals only)."
    )
    billing_period_end: date | None = strawberry.field(
        description="The last day of the contract period billed (renewals only)."
    )
    status: InvoiceStatus
    currency: str
    billing_terms_id: str | None
    lines: list[InvoiceLine]
    subtotal: Decimal = strawberry.field(description="The lines' net amounts.")
    tax_amount: Decimal
    total_amount: Decimal
    open_balance: Decimal = strawberry.field(description="What is still owed; 0 on a draft.")
    posting_date: date | None
    due_date: date | None
    note: str | None = strawberry.field(
        description="What the amounts need said (labor billed as approved, with both figures)."
    )
    journal: list[JournalEntry]
    created_at: datetime
    created_by: str
    posted_at: datetime | None
    posted_by: str | None
    cancelled_at: datetime | None
    cancelled_by: str | None
    cancellation_reason: str | None
    version: int = strawberry.field(description="Send back with a change to detect conflicts.")
    source: strawberry.Private[invoices.Invoice]

    @strawberry.field(description="Posted, not paid, and past its due date (today, UTC).")
    def overdue(self, info: Info) -> bool:
        return self.source.is_overdue(info.context.clock.now().date())

    @strawberry.field(
        description="The customer billed.",
        permission_classes=[requires(Permission.CUSTOMER_READ)],
    )
    async def customer(self, info: Info) -> Customer | None:
        found = await info.context.loaders.customer_by_id.load(str(self.customer_id))
        return None if found is None else Customer.from_domain(found)

    @strawberry.field(
        description="The location whose tax codes taxed the invoice.",
        permission_classes=[requires(Permission.LOCATION_READ)],
    )
    async def location(self, info: Info) -> LocationType | None:
        return await location_of(info, str(self.location_id))

    @strawberry.field(
        description="The service order this invoice bills, if it came from one.",
        permission_classes=[requires(Permission.SERVICE_ORDER_READ)],
    )
    async def service_order(
        self, info: Info
    ) -> Annotated[ServiceOrder, strawberry.lazy("schema.service_orders.types")] | None:
        if self.service_order_id is None:
            return None
        from schema.service_orders.types import ServiceOrder

        found = await info.context.loaders.order_by_id.load(str(self.service_order_id))
        return None if found is None else ServiceOrder.from_domain(found)

    @strawberry.field(
        description="The sales order this invoice bills, if it came from one.",
        permission_classes=[requires(Permission.SALES_ORDER_READ)],
    )
    async def sales_order(
        self, info: Info
    ) -> Annotated[SalesOrder, strawberry.lazy("schema.sales.types")] | None:
        if self.sales_order_id is None:
            return None
        from schema.sales.types import SalesOrder

        found = await info.context.loaders.sales_order_by_id.load(str(self.sales_order_id))
        return None if found is None else SalesOrder.from_domain(found)

    @strawberry.field(
        description="The money of payments applied to the invoice, oldest first (a reversed "
        "payment's part is kept, marked reversed)."
    )
    async def allocations(
        self, info: Info
    ) -> list[Annotated[InvoiceAllocation, strawberry.lazy("schema.receivables.payment_types")]]:
        from schema.receivables.payment_types import InvoiceAllocation

        found = await info.context.loaders.allocations_of_invoice.load(str(self.invoice_id))
        return [InvoiceAllocation.from_domain(a) for a in found]

    @classmethod
    def from_domain(cls, i: invoices.Invoice) -> Invoice:
        return cls(
            invoice_id=strawberry.ID(i.id),
            invoice_number=i.number,
            customer_id=strawberry.ID(i.customer_id),
            location_id=strawberry.ID(i.location_id),
            service_order_id=strawberry.ID(i.service_order_id) if i.service_order_id else None,
            sales_order_id=strawberry.ID(i.sales_order_id) if i.sales_order_id else None,
            contract_id=strawberry.ID(i.contract_id) if i.contract_id else None,
            billing_period_start=i.billing_period_start,
            billing_period_end=i.billing_period_end,
            status=i.status,
            currency=i.currency,
            billing_terms_id=i.billing_terms_id,
            lines=[InvoiceLine.from_domain(line) for line in i.lines],
            subtotal=i.subtotal,
            tax_amount=i.tax_total,
            total_amount=i.total,
            open_balance=i.open_balance,
            posting_date=i.posting_date,
            due_date=i.due_date,
            note=i.note,
            journal=[JournalEntry.from_domain(e) for e in i.journal],
            created_at=i.created_at,
            created_by=i.created_by,
            posted_at=i.posted_at,
            posted_by=i.posted_by,
            cancelled_at=i.cancelled_at,
            cancelled_by=i.cancelled_by,
            cancellation_reason=i.cancellation_reason,
            version=i.version,
            source=i,
        )


@strawberry.type(description="The account a role posts to: the tenant's own, else the default.")
class GlAccount:
    role: AccountRole
    number: str
    name: str
    is_default: bool

    @classmethod
    def chart(cls, chart: accounts.ChartOfAccounts) -> list[GlAccount]:
        return [
            cls(
                role=role,
                number=chart[role].number,
                name=chart[role].name,
                is_default=role not in chart.overrides,
            )
            for role in accounts.AccountRole
        ]


GlAccountSource = strawberry.enum(
    accounts.AccountSource,
    description="Where a location's account for a role comes from: its own (LOCATION), the "
    "tenant's (TENANT), the seeds' (DEFAULT), or nowhere, while other locations book the "
    "role to their own (NOT_CONFIGURED: posting it here is LOCATION_GL_ACCOUNT_NOT_CONFIGURED).",
)


@strawberry.type(description="The account a posting at a location books a role to.")
class LocationGlAccount:
    location_id: strawberry.ID
    role: AccountRole
    number: str | None
    name: str | None
    source: GlAccountSource  # type: ignore[valid-type]

    @strawberry.field(
        description="The location.", permission_classes=[requires(Permission.LOCATION_READ)]
    )
    async def location(self, info: Info) -> LocationType | None:
        return await location_of(info, str(self.location_id))

    @classmethod
    def at(cls, location_id: str, found: list[accounts.LocationAccount]) -> list[LocationGlAccount]:
        return [
            cls(
                location_id=strawberry.ID(location_id),
                role=a.role,
                number=a.account and a.account.number,
                name=a.account and a.account.name,
                source=a.source,
            )
            for a in found
        ]


@strawberry.type(description="One account's postings up to the report's date.")
class AccountBalance:
    account: str
    account_name: str
    debit: Decimal
    credit: Decimal
    balance: Decimal = strawberry.field(description="Debits less credits.")


@strawberry.type(description="Every account's debits and credits as of a date; they balance.")
class TrialBalance:
    as_of: date
    accounts: list[AccountBalance]
    total_debit: Decimal
    total_credit: Decimal

    @classmethod
    def from_domain(cls, report: ledger.TrialBalance) -> TrialBalance:
        return cls(
            as_of=report.as_of,
            accounts=[
                AccountBalance(
                    account=a.account,
                    account_name=a.account_name,
                    debit=a.debit,
                    credit=a.credit,
                    balance=a.balance,
                )
                for a in report.accounts
            ],
            total_debit=report.total_debit,
            total_credit=report.total_credit,
        )


@strawberry.input(description="Which invoices to list; every field is optional.")
class InvoiceFilter:
    customer_id: strawberry.ID | None = None
    status: list[InvoiceStatus] | None = None
    due_from: date | None = None
    due_to: date | None = None
    overdue: bool | None = strawberry.field(
        default=None, description="Only those past due today (UTC) with money still owed."
    )

    def to_domain(self, today: date) -> DomainFilter:
        return DomainFilter(
            customer_id=self.customer_id,
            statuses=tuple(self.status or ()),
            due_from=self.due_from,
            due_to=self.due_to,
            overdue_on=today if self.overdue else None,
        )
