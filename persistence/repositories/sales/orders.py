"""Sales orders of one tenant: the header row (with its fulfilment) and its lines, read
together; a new order is inserted whole at commit, with the levels and new
reservations of the stock items it reserves from (`StockRepository.carry`: one round
trip where there were two), a change saves the header with its version (the lines are
written once, when the order is taken). Outside any transaction, the same statement
also writes the events, and all of it only if the customer's row and the items
are still as read (`TAKE_ALONE`, `taken_alone`), as a payment is written alone.

Besides the aggregate: the lock that serialises one customer's orders for the credit
check, the value of their open orders, and the reservations holding orders' lines for
the graph (`SalesOrderLine.reservation`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import CTE, ColumnElement, Select, bindparam, func, insert, select, true, update

from domain.errors import DomainError
from domain.inventory.reservations import Reservation
from domain.inventory.stock import StockItem
from domain.paging import PageRequest
from domain.sales.order import (
    Fulfillment,
    OrderLine,
    SalesOrder,
    SalesOrderFilter,
    SalesOrderNotFound,
    ShippingAddress,
)
from domain.sales.status import OPEN, FulfillmentStatus, OrderStatus
from domain.sales.terms import CustomerTerms
from persistence.driver import TenantDriver
from persistence.repositories.aggregates import AggregateRepository
from persistence.repositories.base import (
    TENANT,
    by_column,
    insert_unnested,
    of_tenant,
    one_of,
    one_of_param,
    take_written,
    versioned_update,
)
from persistence.repositories.inventory.reservations import COLUMNS as RESERVATION_COLUMNS
from persistence.repositories.inventory.reservations import STORED, reservation_of
from persistence.repositories.inventory.stock import (
    ADDED_PREFIX,
    LEVELS_SAVED,
    StockRepository,
    levels_and_reservations,
    levels_still_at,
)
from persistence.repositories.outbox import event_values, events_appended
from persistence.tables import (
    customers,
    sales_order_lines,
    sales_orders,
    stock_reservations,
)

ORDER, LINE = sales_orders.c, sales_order_lines.c
HEADER = [c for c in sales_orders.c if c.name != "tenant_id"]
WRITTEN = {"tenant_id", *(c.name for c in HEADER)} - {"version", "created_at", "updated_at"}
LINE_COLUMNS = [c for c in sales_order_lines.c if c.name != "tenant_id"]
STAMPS = ("version", "created_at", "updated_at")
CHANGING = [
    "status",
    "fulfillment_id",
    "fulfillment_status",
    "fulfillment_started_by",
    "fulfillment_started_at",
    "fulfillment_completed_at",
    "carrier",
    "tracking_number",
    "shipped_at",
    "delivered_at",
    "cancel_reason",
    "cancelled_by",
    "cancelled_at",
]
"""What moves after an order is taken; the rest of the header is written once."""

ORDER_BY_ID = select(*HEADER).where(of_tenant(sales_orders), ORDER.id == bindparam("id"))
LOCKED_ORDER_BY_ID = ORDER_BY_ID.with_for_update()
ORDERS_BY_ID = select(*HEADER).where(of_tenant(sales_orders), one_of_param(ORDER.id, "ids"))
ORDER_BY_FULFILLMENT = select(*HEADER).where(
    of_tenant(sales_orders), ORDER.fulfillment_id == bindparam("fulfillment_id")
)
LINES_OF_ORDERS = (
    select(*LINE_COLUMNS)
    .where(of_tenant(sales_order_lines), one_of_param(LINE.order_id, "order_ids"))
    .order_by(LINE.order_id, LINE.line_number)
)
LINE_NAMES = [c.name for c in LINE_COLUMNS]
LINE_PREFIX = "line_"


def _order_added(only_if: ColumnElement[bool] | None = None) -> tuple[CTE, CTE]:
    """The INSERTs of an order's header (its values each a parameter) and of its lines
    (`by_column`, each an array named with LINE_PREFIX, so that none is taken for a
    column of the level an UPDATE beside it sets), as data-modifying CTEs; `only_if`:
    neither writes anything unless it holds."""
    written = [c for c in sales_orders.c if c.name in WRITTEN]
    header = select(*(bindparam(c.name, type_=c.type) for c in written))
    added = (
        insert(sales_orders)
        .from_select(written, header if only_if is None else header.where(only_if))
        .returning(ORDER.version, ORDER.created_at, ORDER.updated_at)
        .cte("added")
    )
    lines = insert_unnested(
        sales_order_lines, LINE_NAMES, shared=[TENANT], prefix=LINE_PREFIX, only_if=only_if
    )
    return added, lines.cte("added_lines")


def _order_reserving(only_if: ColumnElement[bool] | None = None) -> Select:
    """The order and its lines with the levels of the items it reserves from
    (version-checked, `SAVE_LEVELS`) and their new reservations, one row per level
    saved (their columns named with LEVEL_PREFIX); `only_if`: with the events too
    (`events_appended`), and all of it or nothing."""
    added, lines = _order_added(only_if)
    levels, reservations = levels_and_reservations(only_if)
    written = [lines, reservations]
    if only_if is not None:
        written.append(events_appended(only_if).cte("added_events"))
    return (
        select(
            added.c.version,
            added.c.created_at,
            added.c.updated_at,
            *(c.label(f"{LEVEL_PREFIX}{c.name}") for c in levels.c),
        )
        .select_from(added.outerjoin(levels, true()))
        .add_cte(*written)
    )


_ADDED, _ADDED_LINES = _order_added()
ADD_ORDER = select(_ADDED.c.version, _ADDED.c.created_at, _ADDED.c.updated_at).add_cte(_ADDED_LINES)
"""The order and its lines in one statement, however many lines."""
LEVEL_PREFIX = "level_"
ADD_ORDER_RESERVING = _order_reserving()
"""ADD_ORDER with its items' writes: the order's commit in one round trip."""
CUSTOMER_AS_DECIDED = (
    select(customers.c.id)
    .where(
        of_tenant(customers),
        customers.c.id == bindparam("customer_id", type_=customers.c.id.type),
        customers.c.version == bindparam("customer_version"),
        customers.c.credit_version == bindparam("standing_version"),
        customers.c.credit_block_reason.is_(None),
        customers.c.credit_limit.is_(None),
    )
    .with_for_update(read=True)
    .cte("customer_as_decided")
)
"""The customer's row held FOR SHARE, as the transaction takes it (a block or limit
change waits for the order, or the order for it), if it is still the one the order was
decided on: the same version (tier, limit) and standing version, not blocked, no credit
limit (the row locked first: a change in flight is waited for, and its result checked)."""
TAKE_ALONE = _order_reserving(levels_still_at(select(CUSTOMER_AS_DECIDED.c.id).exists()))
"""ADD_ORDER_RESERVING with the order's and its items' events, outside any transaction:
the customer's row held and the items locked after it in (product, location) order,
all written only if the customer's row and every item's version are still those
the order was decided on; else nothing is written and the statement gives no row."""
LEVEL_SAVED_NAMES = [c.name for c in LEVELS_SAVED.c]
RESERVE_LINE_AGAIN = (
    update(sales_order_lines)
    .where(
        of_tenant(sales_order_lines),
        LINE.order_id == bindparam("key_order_id"),
        LINE.line_number == bindparam("key_line_number"),
    )
    .values(reservation_id=bindparam("reservation_id"))
)
SAVE_ORDER = versioned_update(sales_orders, CHANGING).returning(ORDER.version, ORDER.updated_at)
HOLD_CUSTOMER = (
    select(customers.c.id)
    .where(of_tenant(customers), customers.c.id == bindparam("customer_id"))
    .with_for_update(key_share=True)
)
OPEN_VALUE = (
    select(func.coalesce(func.sum(func.round(LINE.quantity * LINE.unit_price, 2)), 0))
    .select_from(
        sales_order_lines.join(
            sales_orders,
            (ORDER.tenant_id == LINE.tenant_id) & (ORDER.id == LINE.order_id),
        )
    )
    .where(
        of_tenant(sales_order_lines),
        ORDER.customer_id == bindparam("customer_id"),
        one_of_param(ORDER.status, "statuses"),
    )
)
RESERVATIONS_BY_ID = select(*RESERVATION_COLUMNS).where(
    of_tenant(stock_reservations), one_of_param(stock_reservations.c.id, "ids")
)
NEWEST_FIRST = (ORDER.ordered_at.desc(), ORDER.id.desc())


def _header_values(order: SalesOrder) -> dict[str, Any]:
    address, fulfillment = order.shipping_address, order.fulfillment
    return {
        "id": order.id,
        "customer_id": order.customer_id,
        "status": order.status.value,
        "address_line1": address.line1,
        "address_line2": address.line2,
        "city": address.city,
        "region": address.region,
        "postal_code": address.postal_code,
        "country": address.country,
        "currency": order.currency,
        "ordered_by": order.ordered_by,
        "ordered_at": order.ordered_at,
        "reserved_until": order.reserved_until,
        "fulfillment_id": fulfillment and fulfillment.id,
        "fulfillment_status": fulfillment and fulfillment.status.value,
        "fulfillment_started_by": fulfillment and fulfillment.started_by,
        "fulfillment_started_at": fulfillment and fulfillment.started_at,
        "fulfillment_completed_at": fulfillment and fulfillment.completed_at,
        "carrier": fulfillment and fulfillment.carrier,
        "tracking_number": fulfillment and fulfillment.tracking_number,
        "shipped_at": fulfillment and fulfillment.shipped_at,
        "delivered_at": fulfillment and fulfillment.delivered_at,
        "cancel_reason": order.cancel_reason,
        "cancelled_by": order.cancelled_by,
        "cancelled_at": order.cancelled_at,
    }


def _line_values(order: SalesOrder, line: OrderLine) -> dict[str, Any]:
    return {
        "order_id": order.id,
        "line_number": line.line_number,
        "product_id": line.product_id,
        "sku": line.sku,
        "location_id": line.location_id,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "reservation_id": line.reservation_id,
    }


def _lines_of(order: SalesOrder) -> dict[str, list[Any]]:
    """The order's lines as its INSERT takes them (`by_column`, named with LINE_PREFIX)."""
    return by_column(
        [_line_values(order, line) for line in order.lines], LINE_NAMES, prefix=LINE_PREFIX
    )


def _line(row: Mapping[str, Any]) -> OrderLine:
    return OrderLine(
        line_number=row["line_number"],
        product_id=row["product_id"],
        sku=row["sku"],
        location_id=row["location_id"],
        quantity=row["quantity"],
        unit_price=row["unit_price"],
        reservation_id=row["reservation_id"],
    )


def _order(tenant_id: str, row: Mapping[str, Any], lines: list[OrderLine]) -> SalesOrder:
    fulfillment = None
    if row["fulfillment_id"] is not None:
        fulfillment = Fulfillment(
            id=row["fulfillment_id"],
            status=FulfillmentStatus(row["fulfillment_status"]),
            started_by=row["fulfillment_started_by"],
            started_at=row["fulfillment_started_at"],
            completed_at=row["fulfillment_completed_at"],
            carrier=row["carrier"],
            tracking_number=row["tracking_number"],
            shipped_at=row["shipped_at"],
            delivered_at=row["delivered_at"],
        )
    return SalesOrder(
        id=row["id"],
        tenant_id=tenant_id,
        customer_id=row["customer_id"],
        lines=lines,
        shipping_address=ShippingAddress(
            line1=row["address_line1"],
            line2=row["address_line2"],
            city=row["city"],
            region=row["region"],
            postal_code=row["postal_code"],
            country=row["country"],
        ),
        ordered_by=row["ordered_by"],
        ordered_at=row["ordered_at"],
        reserved_until=row["reserved_until"],
        status=OrderStatus(row["status"]),
        currency=row["currency"],
        fulfillment=fulfillment,
        cancel_reason=row["cancel_reason"],
        cancelled_by=row["cancelled_by"],
        cancelled_at=row["cancelled_at"],
        version=row["version"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


class SalesOrderRepository(AggregateRepository[SalesOrder]):
    table = sales_orders
    noun = "Sales order"

    def __init__(self, statements: TenantDriver, stock: StockRepository):
        super().__init__(statements)
        self._stock = stock

    async def _read(self, order_id: str, lock: bool) -> SalesOrder | None:
        row = await self._row(LOCKED_ORDER_BY_ID if lock else ORDER_BY_ID, id=order_id)
        return None if row is None else (await self._with_lines([row]))[0]

    async def get_many(self, order_ids: Sequence[str]) -> dict[str, SalesOrder]:
        """The orders of these ids (to read only), by id, with their lines."""
        rows = await self._rows(ORDERS_BY_ID, ids=list(order_ids))
        return {order.id: order for order in await self._with_lines(rows)}

    async def by_fulfillment(self, fulfillment_id: str) -> SalesOrder | None:
        row = await self._row(ORDER_BY_FULFILLMENT, fulfillment_id=fulfillment_id)
        return None if row is None else (await self._with_lines([row]))[0]

    async def add(self, order: SalesOrder) -> None:
        """Track a new order, inserted at commit with its lines and the writes of the
        stock items it reserves from (the unit's stock repository leaves those to it)."""
        self.track_new(order)
        self._stock.carry(line.pair for line in order.lines)

    def not_found(self, order_id: str) -> DomainError:
        return SalesOrderNotFound(order_id)

    async def orders(self, wanted: SalesOrderFilter, request: PageRequest) -> list[SalesOrder]:
        """One page, newest first, and one more if another page follows."""
        rows = await self._page_rows(self._matching(wanted).order_by(*NEWEST_FIRST), request)
        return await self._with_lines(rows)

    async def count(self, wanted: SalesOrderFilter) -> int:
        return await self._count(self._matching(wanted))

    async def pages_of_customers(
        self, customer_ids: Sequence[str], wanted: SalesOrderFilter, request: PageRequest
    ) -> dict[str, list[SalesOrder]]:
        """`orders` of each customer at once: one statement for the pages, one for their
        lines, however many customers a response lists."""
        rows = await self._pages_rows(
            self._matching(wanted), ORDER.customer_id, customer_ids, NEWEST_FIRST, request
        )
        pages: dict[str, list[SalesOrder]] = {customer_id: [] for customer_id in customer_ids}
        for order in await self._with_lines(rows):
            pages[order.customer_id].append(order)
        return pages

    async def counts_of_customers(
        self, customer_ids: Sequence[str], wanted: SalesOrderFilter
    ) -> dict[str, int]:
        """`count` of each customer at once, in one statement."""
        counted = await self._counts(
            self._matching(wanted).where(one_of(ORDER.customer_id, customer_ids)),
            ORDER.customer_id,
        )
        return {customer_id: counted.get(customer_id, 0) for customer_id in customer_ids}

    async def hold_customer(self, customer_id: str) -> bool:
        """Lock the customer's row until commit, so one customer's orders pass the credit
        check one at a time; False if this tenant has no such customer."""
        return await self._value(HOLD_CUSTOMER, customer_id=customer_id) is not None

    async def open_value(self, customer_id: str) -> Decimal:
        """What the customer's orders not yet fulfilled are worth (line totals to the cent)."""
        value = await self._value(
            OPEN_VALUE, customer_id=customer_id, statuses=[status.value for status in OPEN]
        )
        return Decimal(value)

    async def reservations(self, reservation_ids: Sequence[str]) -> dict[str, Reservation]:
        """The reservations (in whatever state) of these ids, by id."""
        rows = await self._rows(RESERVATIONS_BY_ID, ids=list(reservation_ids))
        return {row["id"]: reservation_of(row) for row in rows}

    async def taken_alone(self, order: SalesOrder, terms: CustomerTerms) -> bool:
        """Write the new order `add`ed, the levels and new reservations of the items it
        reserves from (read with `OrderTerms.terms_with_items`) and the events of them
        all in one statement, outside any transaction (`TAKE_ALONE`), if the customer (as
        in `terms`) and the items are still as read; whether they were (nothing is
        written otherwise). The order and its items then have their new versions, and
        their events are handed over."""
        carried = self._stock.carried()
        assert carried, "an order reserves from at least one item"
        items = [item for item, _, _ in carried]
        events = [event for item in items for event in item.events] + order.events
        saved = await self._inserted(
            order,
            carried,
            TAKE_ALONE,
            customer_version=terms.customer.version,
            standing_version=terms.standing.version,
            **event_values(events),
        )
        if saved is None:
            return False
        for aggregate in [*items, order]:
            aggregate.events.clear()
        self._stock.written(items, saved)
        self._stored_now(order)
        return True

    async def _insert(self, order: SalesOrder) -> None:
        """The order and its lines in one statement, with the levels and new reservations
        of the items it reserves from (`StockRepository.carried`), if any is waiting."""
        carried = self._stock.carried()
        if not carried:
            row = await self._row(ADD_ORDER, **_header_values(order), **_lines_of(order))
            assert row is not None, "an INSERT ... RETURNING gives its row"
            take_written(order, row)
            return
        saved = await self._inserted(order, carried, ADD_ORDER_RESERVING)
        assert saved is not None, "an INSERT ... RETURNING gives its row"
        self._stock.written([item for item, _, _ in carried], saved)

    async def _inserted(
        self,
        order: SalesOrder,
        carried: Sequence[tuple[StockItem, dict[str, Any], list[dict[str, Any]]]],
        statement: Select,
        **values: Any,
    ) -> list[dict[str, Any]] | None:
        """`statement` (ADD_ORDER_RESERVING or TAKE_ALONE) of the order and its `carried`
        items, with `values`: the levels it saved (SAVE_LEVELS' RETURNING rows, for
        `StockRepository.written`), the order taking its stamps; None if it wrote
        nothing."""
        levels = [level for _, level, _ in carried]
        added = [reservation for _, _, reserved in carried for reservation in reserved]
        rows = await self._rows(
            statement,
            **_header_values(order),
            **_lines_of(order),
            **by_column(levels, list(levels[0])),
            **by_column(added, STORED, prefix=ADDED_PREFIX),
            **values,
        )
        if not rows:
            return None
        take_written(order, {name: rows[0][name] for name in STAMPS})
        return [
            {name: row[f"{LEVEL_PREFIX}{name}"] for name in LEVEL_SAVED_NAMES}
            for row in rows
            if row[f"{LEVEL_PREFIX}product_id"] is not None
        ]

    def _matching(self, wanted: SalesOrderFilter) -> Select:
        statement = select(*HEADER).where(of_tenant(sales_orders))
        if wanted.customer_id is not None:
            statement = statement.where(ORDER.customer_id == wanted.customer_id)
        if wanted.status is not None:
            statement = statement.where(ORDER.status == wanted.status.value)
        return statement

    async def _with_lines(self, rows: Sequence[Mapping[str, Any]]) -> list[SalesOrder]:
        by_order: dict[str, list[OrderLine]] = {row["id"]: [] for row in rows}
        if rows:
            for line in await self._rows(LINES_OF_ORDERS, order_ids=list(by_order)):
                by_order[line["order_id"]].append(_line(line))
        return [_order(self.tenant_id, row, by_order[row["id"]]) for row in rows]

    def _stored_form(self, order: SalesOrder) -> dict[str, Any]:
        header = {k: v for k, v in _header_values(order).items() if k in CHANGING}
        return {**header, "lines": {line.line_number: line.reservation_id for line in order.lines}}

    async def _save(self, order: SalesOrder, before: Any) -> None:
        """A new order with its lines and its items' writes; else the header
        (version-checked), and the lines a sync reserved again."""
        if before is None:
            await self._insert(order)
            return
        values = self._stored_form(order)
        lines = values.pop("lines")
        row = await self._row(SAVE_ORDER, **values, key_id=order.id, key_version=order.version)
        if row is None:
            raise self.stale(order.id, order.version)
        take_written(order, row)
        await self._run_many(
            RESERVE_LINE_AGAIN,
            [
                {"key_order_id": order.id, "key_line_number": n, "reservation_id": held}
                for n, held in lines.items()
                if before["lines"].get(n) != held
            ],
        )
