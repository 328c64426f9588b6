"""Taking an order: every line's stock checked, the customer's credit checked, the order
created and every line reserved, all in one unit of work or nothing.

Mostly in two statements and no transaction (`process_order`'s `alone`): the customer's
terms, the lines' parts at their prices and the stock items read unlocked in one
statement (persistence/repositories/sales/terms.py, `terms_with_items`); the order
decided on them as below; then one statement holds the customer's row (FOR SHARE, as the
transaction does) if it is still the one read (its version and its standing's), locks
the items after it in (product, location) order, and writes the order, its lines, the
items' levels and new reservations and every event only if each item is still at the
version read, or nothing at all (persistence/repositories/sales/orders.py,
`TAKE_ALONE`). A block, limit or tier change that came between is caught by the first
check and one in flight is waited for; a reservation, receipt or other order that came
between, by the second. When it wrote nothing, the transaction below decides again (the
number the order took is given back to the process's block first, so that no order
refused then leaves a gap). A customer with a credit limit, a pair never stocked, an
item holding a reservation due by now and a shortfall to backorder go to the transaction
at once; an order short of stock with none to backorder is answered from the first
statement, writing nothing.

In the transaction, the customer's terms are read first, their row held until commit (no
block or limit change passes the order), with the lines' parts at the customer's prices
and the stock items the order draws on, locked after the customer's row and sorted by
(product, location), as every sales use case locks them (`SalesOrder.lines_by_stock`),
so two orders sharing parts never deadlock; all in one statement
(persistence/repositories/sales/terms.py). A pair never stocked is opened and locked
after them. Orders of a customer with a credit limit then pass the credit check one at a
time (`hold_credit`); a customer without one has nothing to check. The order's number
comes from a block the process holds (`next_id_of_block`: most orders spend no statement
on it), and the order is inserted at commit with its items' levels and new reservations,
in one statement. Of two customers ordering the last units at once, the second finds
them reserved (alone, its second statement finds the items changed, and the transaction
then finds them reserved): INSUFFICIENT_INVENTORY, never both served.

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
from typing import TypeVar

from domain.catalog import Part, normalize_sku
from domain.clock import Clock
from domain.customers import Customer, CustomerNotFound
from domain.errors import DomainError, InvalidInputs, collect
from domain.inventory.movements import check_quantity
from domain.inventory.pricing import EffectivePrice
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
from domain.sales.terms import CustomerTerms, OrderCatalog
from resolvers.inventory.pricing import part_named
from resolvers.ports import UnitOfWork, UnitOfWorkFactory
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


async def customer_terms(
    work: UnitOfWork, customer_id: str, lines: Sequence[RequestedLine]
) -> tuple[CustomerTerms, OrderCatalog]:
    """The customer's terms, their row held until commit, and the catalog's answer for
    the lines (their parts with the customer's prices, their locations), in one
    statement however many lines; CUSTOMER_NOT_FOUND if the tenant has no such customer."""
    return _found(customer_id, await work.order_terms.terms(customer_id, _named(lines)))


async def terms_and_items(
    work: UnitOfWork, customer_id: str, lines: Sequence[RequestedLine], now: datetime
) -> tuple[CustomerTerms, OrderCatalog, dict[tuple[str, str], StockItem]]:
    """`customer_terms`, and the stocked items the lines draw on, locked after the
    customer's row in (product, location) order, to reserve from at `now`, in the same
    statement."""
    read = await work.order_terms.terms_locking_items(customer_id, _named(lines), now)
    return _found(customer_id, read)


def _named(lines: Sequence[RequestedLine]) -> list[tuple[str | None, str | None, str]]:
    """Each line's part as named (its id, else its normalized SKU) and location."""
    return [
        (line.product_id, None if line.sku is None else normalize_sku(line.sku), line.location_id)
        for line in lines
    ]


Read = TypeVar("Read")


def _found(customer_id: str, read: Read | None) -> Read:
    if read is None:
        raise CustomerNotFound(f"Customer '{customer_id}' was not found.", field="customerId")
    return read


def priced_lines(
    terms: CustomerTerms, catalog: OrderCatalog, lines: Sequence[RequestedLine]
) -> tuple[list[Part], list[EffectivePrice]]:
    """Each line's part at the customer's price (their specific price or discount, else
    their tier's), every unknown part and location reported at once."""
    parts: list[Part] = []
    problems: list[DomainError] = []
    for i, line in enumerate(lines):
        try:
            parts.append(
                part_named(
                    line.product_id, line.sku, f"lines[{i}].", catalog.holders, catalog.parts
                )
            )
        except DomainError as problem:
            problems.append(problem)
    problems += [
        LocationNotFound(f"Location '{location_id}' was not found.", field=f"lines[{i}].locationId")
        for location_id, i in _first_line_at(lines).items()
        if location_id not in catalog.known_locations
    ]
    if problems:
        raise InvalidInputs(problems)
    price_list = catalog.price_list(terms.customer.id)
    discount = terms.tier_discount
    return parts, [price_list.price_of(p.id, p.sku, p.unit_price, discount) for p in parts]


def _first_line_at(lines: Sequence[RequestedLine]) -> dict[str, int]:
    """Each location the lines name, with the first line naming it."""
    first: dict[str, int] = {}
    for i, line in enumerate(lines):
        first.setdefault(line.location_id, i)
    return first


async def credit_must_allow(work: UnitOfWork, customer: Customer, value: Decimal) -> None:
    """CREDIT_LIMIT_EXCEEDED unless an order of `value` fits the customer's credit left:
    their open receivable and open orders count as in use. A customer without a limit
    has nothing to check. The caller holds the customer's row (`hold_customer`) or
    their credit (`order_terms.hold_credit`), so their orders are checked one at a time."""
    if customer.credit_limit is None:
        return
    used = await work.order_terms.credit_in_use(customer.id)
    check_credit(customer.id, value, customer.credit_limit, used)


async def process_order(
    uow: UnitOfWorkFactory,
    clock: Clock,
    by: str,
    customer_id: str,
    lines: Sequence[RequestedLine],
    address: ShippingAddress,
    backorder: ShortfallBackorder | None = None,
    *,
    alone: UnitOfWorkFactory | None = None,
) -> OrderProcessing:
    """Take the order (see above). A hot path: given `alone` (units of work that open no
    transaction), the terms, the catalog's answer and the items are read unlocked in one
    statement, the order decided on them as below, and written by a second statement
    that holds the customer's row, locks the items after it and writes the order, its
    lines, the items' levels and new reservations and every event only if the
    customer's row and every item are still as read (`taken_alone`): two round
    trips. Left to the transaction: a customer with a credit limit, a pair never
    stocked or an item holding a reservation due by now, a shortfall to backorder, and
    an order whose second statement found something changed and wrote nothing (its
    number given back to the process's block, which hands it out next: no gap)."""
    now = clock.now()
    check_request(lines, address, backorder, now)
    if alone is not None:
        async with alone() as work:
            settled = await _alone(work, customer_id, lines, address, backorder, by, now)
        if settled is not None:
            return settled
    async with uow() as work:
        terms, catalog, items = await terms_and_items(work, customer_id, lines, now)
        terms.standing.refuse_new_work()
        customer = terms.customer
        parts, prices = priced_lines(terms, catalog, lines)
        drafts = _drafts(lines, parts, prices)
        never_stocked = [pair for pair in sorted(demand(drafts)) if pair not in items]
        if never_stocked:
            items |= await work.stock.locked_to_reserve(never_stocked, now)
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


async def _alone(
    work: UnitOfWork,
    customer_id: str,
    lines: Sequence[RequestedLine],
    address: ShippingAddress,
    backorder: ShortfallBackorder | None,
    by: str,
    now: datetime,
) -> OrderProcessing | None:
    """The order decided on what one unlocked statement read and written by a second
    (`process_order`), or short (INSUFFICIENT_INVENTORY, nothing written); None if it is
    left to the transaction (the number the order took given back, as nothing holds
    it: the transaction takes it again, or the next order). A refusal (an unknown
    customer, part or location, a blocked customer) is final: it is what the
    transaction would have found at that moment."""
    read = await work.order_terms.terms_with_items(customer_id, _named(lines), now)
    terms, catalog, items = _found(customer_id, read)
    terms.standing.refuse_new_work()
    customer = terms.customer
    if customer.credit_limit is not None:
        return None
    parts, prices = priced_lines(terms, catalog, lines)
    drafts = _drafts(lines, parts, prices)
    if any(pair not in items for pair in demand(drafts)):
        return None
    short = unavailable_items(drafts, {pair: item.available for pair, item in items.items()})
    if short:
        if backorder is not None:
            return None
        return OrderProcessing(OrderProcessingStatus.INSUFFICIENT_INVENTORY, None, short)
    order = await _taken(work, customer, drafts, address, items, by, now)
    if await work.sales_orders.taken_alone(order, terms):
        return OrderProcessing(OrderProcessingStatus.SUCCESS, order, [])
    work.naming.give_back_to_block(ORDER_SERIES, order.id)
    return None


def _drafts(
    lines: Sequence[RequestedLine], parts: Sequence[Part], prices: Sequence[EffectivePrice]
) -> list[OrderLine]:
    """The order's lines, numbered from 1, each at the customer's price of its part."""
    return [
        OrderLine(n, part.id, part.sku, line.location_id, line.quantity, price.customer_price, "")
        for n, (line, part, price) in enumerate(zip(lines, parts, prices, strict=True), 1)
    ]


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
    if customer.credit_limit is not None:
        await work.order_terms.hold_credit(customer.id)
    await credit_must_allow(
        work, customer, sum((line.line_total for line in drafts), Decimal("0.00"))
    )
    order_id = await work.naming.next_id_of_block(ORDER_SERIES)
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
