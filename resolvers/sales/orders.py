"""Taking an order: every line's stock checked, the customer's credit checked, the order
created and every line reserved, all in one unit of work or nothing.

The stock items the order draws on are locked first, sorted by (product, location), as
every sales use case locks them (`SalesOrder.lines_by_stock`), so two orders sharing
parts never deadlock; the customer's row is locked before them, so one customer's
orders pass the credit check one at a time. Of two customers ordering the last units at
once, the second finds them reserved: INSUFFICIENT_INVENTORY, never both served.

A short order is an answer, not an error (seed 004's `OrderProcessingResult` with
`status: INSUFFICIENT_INVENTORY` and `unavailableItems`): the client asked a fair
question and gets what it needs to decide (order less, or wait). Nothing is reserved,
and no order number is taken, for it. Unless the client asked for the shortfall to be
backordered (`ShortfallBackorder`): then the order is taken for what stock can serve
(its lines cut to it), and every unavailable item's shortfall becomes a PENDING backorder
of the order at the priority asked, in the same unit of work; when stock serves none of
it, there is no order and the backorders are all (INSUFFICIENT_INVENTORY with them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from domain.catalog import Part
from domain.clock import Clock
from domain.customers import Customer, CustomerNotFound
from domain.errors import DomainError, InvalidInputs, collect
from domain.inventory.movements import check_quantity
from domain.inventory.reservations import ReferenceType
from domain.inventory.stock import StockItem
from domain.locations import LocationNotFound
from domain.sales.availability import UnavailableItem, demand, unavailable_items, within_stock
from domain.sales.backorders import Backorder, BackorderPriority, check_expected_date
from domain.sales.credit import check_credit
from domain.sales.order import (
    OrderLine,
    SalesOrder,
    ShippingAddress,
    check_line_count,
    line_reference,
    reservation_of_line,
)
from resolvers.changes import existing
from resolvers.inventory.pricing import named_parts, prices_for
from resolvers.ports import UnitOfWork, UnitOfWorkFactory
from resolvers.receivables.credit_control import customer_may_get_new_work
from resolvers.sales.backorders import BACKORDER_SERIES

ORDER_SERIES = "SO"


class OrderProcessingStatus(StrEnum):
    SUCCESS = "SUCCESS"
    INSUFFICIENT_INVENTORY = "INSUFFICIENT_INVENTORY"


@dataclass(frozen=True, slots=True)
class RequestedLine:
    """A line as the client sent it: the part by id or SKU, where from, how many."""

    location_id: str
    quantity: Decimal
    product_id: str | None = None
    sku: str | None = None


@dataclass(frozen=True, slots=True)
class ShortfallBackorder:
    """The client's wish: what stock cannot serve now is backordered, not refused."""

    priority: BackorderPriority
    expected: date | None = None


@dataclass(frozen=True, slots=True)
class OrderProcessing:
    """Seed 004's `OrderProcessingResult`: the order taken, or what is short, and the
    backorders of the shortfall when the client asked for them."""

    status: OrderProcessingStatus
    order: SalesOrder | None
    unavailable_items: list[UnavailableItem]
    backorders: list[Backorder] = field(default_factory=list)

    @property
    def message(self) -> str:
        backordered = "; the shortfall is backordered" if self.backorders else ""
        if self.status is OrderProcessingStatus.SUCCESS:
            if backordered:
                return f"Order processed for the stock available{backordered}"
            return "Order processed successfully"
        return f"Insufficient inventory for order fulfillment{backordered}"


def check_request(
    lines: Sequence[RequestedLine],
    address: ShippingAddress | None,
    backorder: ShortfallBackorder | None = None,
    now: datetime | None = None,
) -> None:
    check_line_count(len(lines))
    collect(
        *(address.problems() if address else ()),
        None if backorder is None or now is None else check_expected_date(backorder.expected, now),
        *(check_quantity(line.quantity, f"lines[{i}].quantity") for i, line in enumerate(lines)),
    )


async def parts_of(work: UnitOfWork, lines: Sequence[RequestedLine]) -> list[Part]:
    """Each line's part, every unknown part and location reported at once; three
    statements however many lines."""
    found = await named_parts(
        work, [(line.product_id, line.sku, f"lines[{i}].") for i, line in enumerate(lines)]
    )
    problems = [answer for answer in found if isinstance(answer, DomainError)]
    first_line_at: dict[str, int] = {}
    for i, line in enumerate(lines):
        first_line_at.setdefault(line.location_id, i)
    known = await work.locations.get_many(list(first_line_at))
    problems += [
        LocationNotFound(f"Location '{location_id}' was not found.", field=f"lines[{i}].locationId")
        for location_id, i in first_line_at.items()
        if location_id not in known
    ]
    if problems:
        raise InvalidInputs(problems)
    return [part for part in found if isinstance(part, Part)]


async def credit_must_allow(work: UnitOfWork, customer: Customer, value: Decimal) -> None:
    """CREDIT_LIMIT_EXCEEDED unless an order of `value` fits the customer's credit left:
    their open receivable and open orders count as in use. The caller holds the
    customer's row (`hold_customer`), so their orders are checked one at a time."""
    used = await work.receivables.open_receivable(customer.id)
    used += await work.sales_orders.open_value(customer.id)
    check_credit(customer.id, value, customer.credit_limit, used)


async def process_order(
    uow: UnitOfWorkFactory,
    clock: Clock,
    by: str,
    customer_id: str,
    lines: Sequence[RequestedLine],
    address: ShippingAddress,
    backorder: ShortfallBackorder | None = None,
) -> OrderProcessing:
    check_request(lines, address, backorder, clock.now())
    async with uow() as work:
        if not await work.sales_orders.hold_customer(customer_id):
            raise CustomerNotFound(f"Customer '{customer_id}' was not found.", field="customerId")
        await customer_may_get_new_work(work, customer_id)
        customer = await existing(work.customers, customer_id)
        parts = await parts_of(work, lines)
        prices = await prices_for(work, customer, parts)
        drafts = [
            OrderLine(
                n, part.id, part.sku, line.location_id, line.quantity, price.customer_price, ""
            )
            for n, (line, part, price) in enumerate(zip(lines, parts, prices, strict=True), 1)
        ]
        now = clock.now()
        items = await work.stock.locked_many(sorted(demand(drafts)))
        for item in items.values():
            item.expire_due(now)
        available = {pair: item.available for pair, item in items.items()}
        short = unavailable_items(drafts, available)
        if short and backorder is None:
            return OrderProcessing(OrderProcessingStatus.INSUFFICIENT_INVENTORY, None, short)
        taken = within_stock(drafts, available) if short else drafts
        order = None
        if taken:
            order = await _taken(work, customer, taken, address, items, by, now)
        prices_of = {
            part.id: price.customer_price for part, price in zip(parts, prices, strict=True)
        }
        backorders = [
            await _backordered(
                work, customer_id, item, prices_of[item.product_id], backorder, order, by, now
            )
            for item in short
            if backorder is not None
        ]
        await work.commit()
        status = (
            OrderProcessingStatus.SUCCESS if order else OrderProcessingStatus.INSUFFICIENT_INVENTORY
        )
        return OrderProcessing(status, order, short, backorders)


async def _taken(
    work: UnitOfWork,
    customer: Customer,
    drafts: Sequence[OrderLine],
    address: ShippingAddress,
    items: dict[tuple[str, str], StockItem],
    by: str,
    now: datetime,
) -> SalesOrder:
    """The order of `drafts`, credit checked, numbered, every line reserved."""
    await credit_must_allow(
        work, customer, sum((line.line_total for line in drafts), Decimal("0.00"))
    )
    order_id = await work.naming.next_id(ORDER_SERIES)
    order = SalesOrder.taken(
        order_id,
        work.tenant_id,
        customer.id,
        [replace(d, reservation_id=reservation_of_line(order_id, d.line_number)) for d in drafts],
        address,
        by,
        now,
    )
    for line in order.lines_by_stock():
        items[line.pair].reserve(
            line.reservation_id,
            line.quantity,
            ReferenceType.ORDER_LINE,
            line_reference(order_id, line.line_number),
            order.reserved_until,
            by,
            now,
        )
    order.allocate_inventory(now)
    await work.sales_orders.add(order)
    return order


async def _backordered(
    work: UnitOfWork,
    customer_id: str,
    item: UnavailableItem,
    unit_price: Decimal,
    wish: ShortfallBackorder,
    order: SalesOrder | None,
    by: str,
    now: datetime,
) -> Backorder:
    """A PENDING backorder of the item's shortfall, at the customer's price of the part."""
    backorder = Backorder.create(
        await work.naming.next_id(BACKORDER_SERIES),
        work.tenant_id,
        customer_id,
        item.product_id,
        item.sku,
        item.location_id,
        item.shortfall,
        unit_price,
        wish.priority,
        wish.expected,
        None if order is None else order.id,
        by,
        now,
    )
    await work.backorders.add(backorder)
    return backorder
