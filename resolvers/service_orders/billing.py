"""Finalizing a completed order's bill and billing it, each at most once.

Finalize prices what was used (parts, labor at the given hourly rate, tax by the order
location's tax codes, in its currency). Billing posts the order's invoice in the same
transaction (`domain/receivables/from_orders.py` says which lines: the approved estimate's,
else what was used) on the billing date, which must be on or after completion and in an
open period; the order keeps the invoice's posting (Dr 1200 total, Cr 4100 net, Cr 2100
tax) as its GL entries. Both are checked against the version the client read, and the
order is saved conditionally on the status it was read in; the snapshot and GL tables'
keys and the invoice's unique order refuse a second row, so a race never bills twice.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from domain.clock import Clock
from domain.customers import CustomerNotFound
from domain.identity import Principal
from domain.locations import LocationNotFound
from domain.receivables.from_orders import approved_lines, labor_note, used_lines
from domain.receivables.invoice import Invoice
from domain.receivables.lines import price_lines
from domain.service_orders.order import ServiceOrder
from resolvers.changes import changing
from resolvers.ports import UnitOfWork, UnitOfWorkFactory
from resolvers.receivables.invoices import INVOICE_SERIES, post
from resolvers.service_orders.acknowledgements import EVERY_SIDE, OwnSides, acknowledge_snapshot

SNAPSHOT_SERIES = "SNAP"


async def finalize(
    uow: UnitOfWorkFactory,
    clock: Clock,
    order_id: str,
    finalized_by: str,
    labor_rate: Decimal,
    labor_tax_code: str | None,
    po_number: str | None,
    version: int,
    sides: OwnSides = EVERY_SIDE,
) -> ServiceOrder:
    """Freeze the bill once People has confirmed the work sessions; billing then awaits
    Order's sales order and Accounting's revenue record, given at once for the sides the
    gateway plays (`sides`)."""
    async with uow() as work:
        async with changing(work.service_orders, order_id, version) as order:
            order.require_finalizable()
            location = await work.locations.get(order.location_id)
            if location is None:
                raise LocationNotFound(
                    f"Location '{order.location_id}' of {order.id} no longer exists.",
                    field="locationId",
                )
            codes = await work.tax_codes.for_location(order.location_id)
            snapshot_id = await work.naming.next_id(SNAPSHOT_SERIES)
            order.finalize(
                snapshot_id,
                clock.now(),
                finalized_by,
                labor_rate,
                labor_tax_code,
                {code.code: code for code in codes},
                location.currency_uom_id,
                po_number,
            )
            acknowledge_snapshot(order, sides)
        await work.commit()
        return order


async def bill(
    uow: UnitOfWorkFactory,
    clock: Clock,
    by: Principal,
    order_id: str,
    billing_date: date | None,
    version: int,
) -> ServiceOrder:
    """Bill on `billing_date` (default: today, UTC) by posting the order's invoice."""
    now = clock.now()
    at = datetime.combine(billing_date, now.astimezone(UTC).time(), UTC) if billing_date else now
    async with uow() as work:
        async with changing(work.service_orders, order_id, version) as order:
            closed = await work.financial_periods.closed()
            order.require_billable(at, closed)
            invoice = await _invoice_of(work, order, now, by)
            await post(work, invoice, at.date(), now, by.user_id)
            await work.invoices.add(invoice)
            order.bill(at, closed, by.user_id, invoice.journal[-1].lines, invoice.total)
        await work.commit()
        return order


async def _invoice_of(
    work: UnitOfWork, order: ServiceOrder, now: datetime, by: Principal
) -> Invoice:
    """The order's invoice as a draft: the approved estimate's lines, else what was used."""
    assert order.snapshot is not None
    customers = await work.customers.get_many([order.customer_id])
    if order.customer_id not in customers:
        raise CustomerNotFound(
            f"Customer '{order.customer_id}' of {order.id} no longer exists.",
            field="customerId",
        )
    estimate = await work.estimates.get(order.estimate_id) if order.estimate_id else None
    codes = {code.code: code for code in await work.tax_codes.for_location(order.location_id)}
    requests = used_lines(order.snapshot) if estimate is None else approved_lines(estimate)
    return Invoice(
        id=await work.naming.next_id(INVOICE_SERIES),
        tenant_id=work.tenant_id,
        customer_id=order.customer_id,
        location_id=order.location_id,
        currency=order.snapshot.currency,
        billing_terms_id=customers[order.customer_id].billing_terms_id,
        created_at=now,
        created_by=by.user_id,
        service_order_id=order.id,
        note=None if estimate is None else labor_note(estimate, order.snapshot),
        lines=price_lines(requests, 1, codes, order.snapshot.currency),
    )
