"""Opportunities: created with their items at the customer's prices, allocated (their
stock reserved, seed 004's rules) and released; a CLOSED_LOST one gives its stock back
by itself, a CLOSED_WON one becomes a sales order holding the same reservations.

Every change is an edit of the opportunity the client read (`version`), under its row
lock, with the stock items locked after it in (product, location) order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from domain.clock import Clock
from domain.errors import InvalidInput
from domain.inventory.reservations import ReferenceType
from domain.inventory.stock import stock_id
from domain.paging import Page, PageRequest
from domain.sales.opportunities import (
    Opportunity,
    OpportunityFilter,
    OpportunityItem,
    OpportunityStage,
    hold_until,
)
from domain.sales.opportunity_report import OpportunityReport, opportunity_report
from domain.sales.order import OrderLine, SalesOrder, ShippingAddress
from resolvers.changes import changing, existing
from resolvers.paging import paged
from resolvers.ports import UnitOfWork, UnitOfWorkFactory
from resolvers.sales.backorder_filling import fill_backorders
from resolvers.sales.orders import (
    ORDER_SERIES,
    RequestedLine,
    check_request,
    credit_must_allow,
    customer_terms,
    priced_lines,
)

OPPORTUNITY_SERIES = "OPP"


async def create_opportunity(
    uow: UnitOfWorkFactory,
    clock: Clock,
    customer_id: str,
    sales_rep_id: str,
    stage: OpportunityStage,
    probability: Decimal,
    expected_close_date: date,
    items: Sequence[RequestedLine],
) -> Opportunity:
    check_request(items, None)
    async with uow() as work:
        terms, catalog = await customer_terms(work, customer_id, items)
        parts, prices = priced_lines(terms, catalog, items)
        priced = [
            OpportunityItem(n, p.id, p.sku, i.location_id, i.quantity, price.customer_price)
            for n, (i, p, price) in enumerate(zip(items, parts, prices, strict=True), 1)
        ]
        created = Opportunity.create(
            await work.naming.next_id(OPPORTUNITY_SERIES),
            work.tenant_id,
            customer_id,
            sales_rep_id,
            stage,
            probability,
            expected_close_date,
            priced,
            clock.now(),
        )
        await work.opportunities.add(created)
        await work.commit()
        return created


async def _reserve(
    work: UnitOfWork, opportunity: Opportunity, by: str, now: datetime
) -> tuple[dict[int, str], datetime]:
    """Every item's stock held until the end of the expected close date (all, or the
    first short item's INSUFFICIENT_STOCK and nothing)."""
    until = hold_until(opportunity.expected_close_date, now)
    if until <= now:
        raise InvalidInput(
            f"The expected close date {opportunity.expected_close_date} has passed; move it "
            "before holding stock for the opportunity.",
            field="expectedCloseDate",
        )
    held: dict[int, str] = {}
    for item in opportunity.items_by_stock():
        stock = await existing(work.stock, stock_id(*item.pair), lock=True)
        reservation_id = f"{opportunity.id}-I{item.line_number}-V{opportunity.version + 1}"
        stock.reserve(
            reservation_id,
            item.quantity,
            ReferenceType.OPPORTUNITY,
            f"{opportunity.id}/{item.line_number}",
            until,
            by,
            now,
        )
        held[item.line_number] = reservation_id
    return held, until


async def _release(
    work: UnitOfWork, opportunity: Opportunity, reason: str, by: str, now: datetime
) -> None:
    """Give back what it holds; what was still ACTIVE fills the items' backorders."""
    pairs = {i.reservation_id: i.pair for i in opportunity.items_by_stock() if i.reservation_id}
    for reservation_id in opportunity.release(reason, now):
        stock = await existing(work.stock, stock_id(*pairs[reservation_id]), lock=True)
        reservation = stock.reservation(reservation_id)
        if reservation is not None:
            stock.release(reservation, by, now)
            await fill_backorders(work, stock, by, now)


async def allocate_inventory_for_opportunity(
    uow: UnitOfWorkFactory, clock: Clock, by: str, opportunity_id: str, version: int
) -> Opportunity:
    async with uow() as work:
        async with changing(work.opportunities, opportunity_id, version, lock=True) as found:
            found.check_allocation()
            now = clock.now()
            held, until = await _reserve(work, found, by, now)
            found.allocate(held, until, now)
        await work.commit()
        return found


async def release_inventory_for_opportunity(
    uow: UnitOfWorkFactory, clock: Clock, by: str, opportunity_id: str, version: int
) -> Opportunity:
    async with uow() as work:
        async with changing(work.opportunities, opportunity_id, version, lock=True) as found:
            await _release(work, found, "released", by, clock.now())
        await work.commit()
        return found


async def update_opportunity_stage(
    uow: UnitOfWorkFactory,
    clock: Clock,
    by: str,
    opportunity_id: str,
    version: int,
    stage: OpportunityStage,
    probability: Decimal | None,
    shipping_address: ShippingAddress | None,
) -> tuple[Opportunity, SalesOrder | None]:
    """CLOSED_LOST releases its stock; CLOSED_WON (with the order's shipping address)
    becomes a sales order whose lines are held by the opportunity's reservations (made
    now if it held none), after the customer's credit check."""
    if stage is OpportunityStage.CLOSED_WON and shipping_address is None:
        raise InvalidInput(
            "A won opportunity becomes a sales order: give its shipping address.",
            field="shippingAddress",
        )
    async with uow() as work:
        async with changing(work.opportunities, opportunity_id, version, lock=True) as found:
            now = clock.now()
            order = None
            if stage is OpportunityStage.CLOSED_LOST:
                await _release(work, found, "CLOSED_LOST", by, now)
            if stage is OpportunityStage.CLOSED_WON and found.stage not in (
                OpportunityStage.CLOSED_WON,
                OpportunityStage.CLOSED_LOST,
            ):
                assert shipping_address is not None
                order = await _won(work, found, shipping_address, by, now)
            found.move_to(stage, probability, None if order is None else order.id, now)
        await work.commit()
        return found, order


async def _won(
    work: UnitOfWork,
    opportunity: Opportunity,
    address: ShippingAddress,
    by: str,
    now: datetime,
) -> SalesOrder:
    await work.sales_orders.hold_customer(opportunity.customer_id)
    customer = await existing(work.customers, opportunity.customer_id)
    until = None
    if not opportunity.allocated:
        held, until = await _reserve(work, opportunity, by, now)
        opportunity.allocate(held, until, now)
    value = sum((i.value for i in opportunity.items), Decimal("0.00"))
    await credit_must_allow(work, customer, value)
    order_id = await work.naming.next_id(ORDER_SERIES)
    lines = [
        OrderLine(
            i.line_number,
            i.product_id,
            i.sku,
            i.location_id,
            i.quantity,
            i.unit_price,
            i.reservation_id or "",
        )
        for i in opportunity.items
    ]
    order = SalesOrder.taken(
        order_id,
        work.tenant_id,
        opportunity.customer_id,
        lines,
        address,
        by,
        now,
        reserved_until=until or hold_until(opportunity.expected_close_date, now),
    )
    order.allocate_inventory(now)
    await work.sales_orders.add(order)
    return order


async def opportunities(
    uow: UnitOfWorkFactory, wanted: OpportunityFilter, request: PageRequest
) -> Page[Opportunity]:
    async def rows(work: UnitOfWork) -> list[Opportunity]:
        return await work.opportunities.opportunities(wanted, request)

    async def total(work: UnitOfWork) -> int:
        return await work.opportunities.count(wanted)

    return await paged(uow, request, rows, total)


async def opportunity_inventory_report(uow: UnitOfWorkFactory) -> OpportunityReport:
    async with uow() as work:
        return opportunity_report(await work.opportunities.open_ones())
