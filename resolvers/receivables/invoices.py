"""Invoices: drafted with lines, posted under the next number, cancelled, looked up.

The number is taken in the posting's own transaction (`work.invoice_numbers`): a
posting refused after taking it rolls back with it, so the series has no gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from domain.clock import Clock
from domain.customers import CustomerNotFound
from domain.errors import collect
from domain.identity import Principal
from domain.locations import LocationNotFound
from domain.money import check_currency, normalize_currency
from domain.paging import Page, PageRequest
from domain.receivables.cash_refusals import refuse_cancelling_paid
from domain.receivables.invoice import Invoice, invoice_number
from domain.receivables.lines import LineRequest, price_lines
from domain.receivables.search import InvoiceFilter
from domain.tax import TaxCode
from resolvers.changes import changing, existing
from resolvers.paging import paged
from resolvers.ports import UnitOfWork, UnitOfWorkFactory

INVOICE_SERIES = "INVC"


async def create_invoice(
    uow: UnitOfWorkFactory,
    clock: Clock,
    by: Principal,
    customer_id: str,
    location_id: str,
    currency: str | None,
    items: Sequence[LineRequest],
) -> Invoice:
    """A DRAFT invoice of the customer, taxed by the location's codes; no number yet."""
    collect(None if currency is None else check_currency(currency, "currency"))
    async with uow() as work:
        customers = await work.customers.get_many([customer_id])
        if customer_id not in customers:
            raise CustomerNotFound(f"Customer '{customer_id}' was not found.", field="customerId")
        locations = await work.locations.get_many([location_id])
        if location_id not in locations:
            raise LocationNotFound(f"Location '{location_id}' was not found.", field="locationId")
        currency = normalize_currency(currency or locations[location_id].currency_uom_id)
        lines = price_lines(items, 1, await tax_codes_of(work, location_id), currency)
        invoice = Invoice(
            id=await work.naming.next_id(INVOICE_SERIES),
            tenant_id=work.tenant_id,
            customer_id=customer_id,
            location_id=location_id,
            currency=currency,
            billing_terms_id=customers[customer_id].billing_terms_id,
            created_at=clock.now(),
            created_by=by.user_id,
            lines=lines,
        )
        await work.invoices.add(invoice)
        await work.commit()
        return invoice


async def post_invoice(
    uow: UnitOfWorkFactory,
    clock: Clock,
    by: Principal,
    invoice_id: str,
    posting_date: date | None,
    version: int,
) -> Invoice:
    """Post on `posting_date` (default: today, UTC) under the year's next number."""
    now = clock.now()
    on = posting_date or now.astimezone(UTC).date()
    async with uow() as work:
        async with changing(work.invoices, invoice_id, version) as invoice:
            await post(work, invoice, on, now, by.user_id)
        await work.commit()
        return invoice


async def post(work: UnitOfWork, invoice: Invoice, on: date, at: datetime, by: str) -> None:
    """Number and post `invoice` inside `work`'s transaction (billing an order uses it),
    to the accounts of its location (its own where it has them)."""
    closed = await work.financial_periods.closed()
    accounts = work.chart_of_accounts
    chart = (await accounts.chart()).at(await accounts.at_location(invoice.location_id))
    number = invoice_number(on.year, await work.invoice_numbers.take(on.year))
    invoice.post(number, on, at, by, chart, closed)


async def cancel_invoice(
    uow: UnitOfWorkFactory,
    clock: Clock,
    by: Principal,
    invoice_id: str,
    reason: str,
    version: int,
) -> Invoice:
    """Cancel with a reason; a posted invoice's posting is reversed. An invoice with
    money applied is refused, naming the payments to reverse first."""
    async with uow() as work:
        async with changing(work.invoices, invoice_id, version) as invoice:
            refuse_cancelling_paid(invoice_id, await work.payments.applied_to(invoice_id))
            invoice.cancel(reason, clock.now(), by.user_id, await work.financial_periods.closed())
        await work.commit()
        return invoice


async def tax_codes_of(work: UnitOfWork, location_id: str) -> dict[str, TaxCode]:
    """The location's tax codes by code, as `price_lines` takes them."""
    return {code.code: code for code in await work.tax_codes.for_location(location_id)}


async def invoice(uow: UnitOfWorkFactory, invoice_id: str) -> Invoice:
    async with uow() as work:
        return await existing(work.invoices, invoice_id)


async def invoices(
    uow: UnitOfWorkFactory, where: InvoiceFilter, request: PageRequest
) -> Page[Invoice]:
    return await paged(
        uow,
        request,
        rows=lambda work: work.invoices.search(where, request),
        total=lambda work: work.invoices.count(where),
    )


async def invoices_of_orders(
    uow: UnitOfWorkFactory, order_ids: Sequence[str]
) -> list[Invoice | None]:
    """Batch for `ServiceOrder.invoice`: the invoice each order was billed on, if any."""
    async with uow() as work:
        found = await work.invoices.of_service_orders(order_ids)
    return [found.get(i) for i in order_ids]
