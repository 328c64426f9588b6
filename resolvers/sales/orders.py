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
and no order number is taken, for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from domain.catalog import Part
from domain.clock import Clock
from domain.customers import Customer, CustomerNotFound
from domain.errors import DomainError, InvalidInputs, collect
from domain.inventory.movements import check_quantity
from domain.inventory.reservations import ReferenceType
from domain.inventory.stock import StockItem, stock_id
from domain.sales.availability import UnavailableItem, demand, unavailable_items
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
from resolvers.inventory.ledger import location_must_exist
from resolvers.inventory.pricing import named_part, prices_for
from resolvers.ports import UnitOfWork, UnitOfWorkFactory
from resolvers.receivables.credit_control import customer_may_get_new_work

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
class OrderProcessing:
    """Seed 004's `OrderProcessingResult`: the order taken, or what is short."""

    status: OrderProcessingStatus
    order: SalesOrder | None
    unavailable_items: list[UnavailableItem]

    @property
    def message(self) -> str:
        if self.status is OrderProcessingStatus.SUCCESS:
            return "Order processed successfully"
        return "Insufficient inventory for order fulfillment"


def check_request(lines: Sequence[RequestedLine], address: ShippingAddress | None) -> None:
    check_line_count(len(lines))
    collect(
        *(address.problems() if address else ()),
        *(check_quantity(line.quantity, f"lines[{i}].quantity") for i, line in enumerate(lines)),
    )


async def parts_of(work: UnitOfWork, lines: Sequence[RequestedLine]) -> list[Part]:
    """Each line's part, every unknown part and location reported at once."""
    parts: list[Part] = []
    problems: list[DomainError] = []
    for i, line in enumerate(lines):
        try:
            parts.append(await named_part(work, line.product_id, line.sku, f"lines[{i}]."))
        except DomainError as problem:
            problems.append(problem)
    checked: set[str] = set()
    for i, line in enumerate(lines):
        if line.location_id in checked:
            continue
        checked.add(line.location_id)
        try:
            await location_must_exist(work, line.location_id, f"lines[{i}].locationId")
        except DomainError as problem:
            problems.append(problem)
    if problems:
        raise InvalidInputs(problems)
    return parts


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
) -> OrderProcessing:
    check_request(lines, address)
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
        items: dict[tuple[str, str], StockItem] = {}
        for pair in sorted(demand(drafts)):
            item = await existing(work.stock, stock_id(*pair), lock=True)
            item.expire_due(now)
            items[pair] = item
        short = unavailable_items(drafts, {pair: item.available for pair, item in items.items()})
        if short:
            return OrderProcessing(OrderProcessingStatus.INSUFFICIENT_INVENTORY, None, short)
        await credit_must_allow(
            work, customer, sum((line.line_total for line in drafts), Decimal("0.00"))
        )

        order_id = await work.naming.next_id(ORDER_SERIES)
        order = SalesOrder.taken(
            order_id,
            work.tenant_id,
            customer_id,
            [
                replace(d, reservation_id=reservation_of_line(order_id, d.line_number))
                for d in drafts
            ],
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
        await work.commit()
        return OrderProcessing(OrderProcessingStatus.SUCCESS, order, [])
