"""Invoices other systems ask for, applied from their events: a fulfilled sales order
and a renewed contract, each created and posted in the inbound consumer's unit of work.

The inbox makes a redelivered event (same event id) change nothing; an event re-sent
under a new id finds the invoice its order (or its contract's period) already has and
changes nothing either, and the unique indexes on both back that against a race. A
refusal (a part without a tax code, a closed period, unknown billing terms) fails the
handler, so the event is retried and then dead-lettered with the rule's code: finance
fails closed, and the event replayed once the cause is fixed bills the order.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from domain.customers import CustomerNotFound
from domain.locations import LocationNotFound
from domain.money import normalize_currency
from domain.receivables.invoice import EmptyInvoice, Invoice
from domain.receivables.lines import InvoiceLine, price_lines
from domain.receivables.sources import (
    CONTRACTS,
    SALES,
    ContractRenewed,
    LocatedLine,
    fulfilled_lines,
    renewal_lines,
    renewal_note,
)
from domain.sales.events import SalesOrderFulfilled
from resolvers.ports import UnitOfWork, UnitOfWorkFactory
from resolvers.receivables.invoices import INVOICE_SERIES, post, tax_codes_of

log = logging.getLogger("gateway.receivables")


async def invoice_fulfilled_order(work: UnitOfWork, fulfilled: SalesOrderFulfilled) -> None:
    """Bill a fulfilled order: one posted invoice of its lines, dated the day it was
    fulfilled (UTC)."""
    order_id = fulfilled.aggregate_id
    if await work.invoices.of_sales_orders([order_id]):
        log.info("sales order %s of %s is invoiced already", order_id, work.tenant_id)
        return
    if not fulfilled.lines:
        raise EmptyInvoice(f"Sales order {order_id} was fulfilled with no line to bill.")
    parts = await work.parts.get_many(sorted({line.product_id for line in fulfilled.lines}))
    located = fulfilled_lines(fulfilled, {pid: part.tax_code for pid, part in parts.items()})
    currency = normalize_currency(fulfilled.currency)
    invoice = await _draft(
        work,
        fulfilled.customer_id,
        located[0].location_id,
        currency,
        fulfilled.occurred_at,
        SALES,
        await _priced(work, located, currency),
    )
    invoice.sales_order_id = order_id
    await _post(work, invoice, fulfilled.occurred_at, SALES)


async def invoice_contract_renewal(work: UnitOfWork, renewed: ContractRenewed) -> None:
    """Bill a contract's renewed period once: one posted invoice of its items, dated the
    day of the renewal (UTC)."""
    contract_id = renewed.aggregate_id
    if await work.invoices.of_renewal(contract_id, renewed.period_start) is not None:
        log.info(
            "contract %s of %s is invoiced for %s already",
            contract_id,
            work.tenant_id,
            renewed.period_start,
        )
        return
    currency = normalize_currency(renewed.currency)
    codes = await tax_codes_of(work, renewed.location_id)
    invoice = await _draft(
        work,
        renewed.customer_id,
        renewed.location_id,
        currency,
        renewed.occurred_at,
        CONTRACTS,
        price_lines(renewal_lines(renewed), 1, codes, currency),
    )
    invoice.contract_id = contract_id
    invoice.billing_period_start, invoice.billing_period_end = (
        renewed.period_start,
        renewed.period_end,
    )
    invoice.note = renewal_note(renewed)
    await _post(work, invoice, renewed.occurred_at, CONTRACTS)


async def invoices_of_sales_orders(
    uow: UnitOfWorkFactory, order_ids: Sequence[str]
) -> list[Invoice | None]:
    """Batch for `SalesOrder.invoice`: the invoice each order was billed on, if any."""
    async with uow() as work:
        found = await work.invoices.of_sales_orders(order_ids)
    return [found.get(i) for i in order_ids]


async def _priced(
    work: UnitOfWork, located: Sequence[LocatedLine], currency: str
) -> tuple[InvoiceLine, ...]:
    """Each line taxed by the codes of its own location."""
    codes = {
        location_id: await tax_codes_of(work, location_id)
        for location_id in sorted({line.location_id for line in located})
    }
    return tuple(
        priced
        for number, line in enumerate(located, start=1)
        for priced in price_lines([line.request], number, codes[line.location_id], currency)
    )


async def _draft(
    work: UnitOfWork,
    customer_id: str,
    location_id: str,
    currency: str,
    at: datetime,
    by: str,
    lines: tuple[InvoiceLine, ...],
) -> Invoice:
    customers = await work.customers.get_many([customer_id])
    if customer_id not in customers:
        raise CustomerNotFound(f"Customer '{customer_id}' was not found.", field="customerId")
    if location_id not in await work.locations.get_many([location_id]):
        raise LocationNotFound(f"Location '{location_id}' was not found.", field="locationId")
    return Invoice(
        id=await work.naming.next_id(INVOICE_SERIES),
        tenant_id=work.tenant_id,
        customer_id=customer_id,
        location_id=location_id,
        currency=currency,
        billing_terms_id=customers[customer_id].billing_terms_id,
        created_at=at,
        created_by=by,
        lines=lines,
    )


async def _post(work: UnitOfWork, invoice: Invoice, at: datetime, by: str) -> None:
    await post(work, invoice, at.astimezone(UTC).date(), at, by)
    await work.invoices.add(invoice)
