"""Service orders of one tenant, with the work, parts, snapshot and GL entries recorded on them.

An order is loaded whole (`get`) and, when the unit of work commits, saved whole: its row
with an UPDATE conditional on the version *and* the status it was read with (two
requests deciding from the same state cannot both win, whatever the code above does),
then what it recorded since it was read (work sessions, parts, the snapshot, the GL
entries). `get(..., lock=True)` takes the row lock first, so a concurrent caller waits
and then decides from the new state.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from asyncpg import UniqueViolationError
from sqlalchemy import Select, bindparam, insert, select

from domain.errors import DomainError
from domain.paging import PageRequest
from domain.service_orders.intake import EstimateAlreadyOrdered
from domain.service_orders.items import OrderItem
from domain.service_orders.order import ServiceOrder, ServiceOrderNotFound
from domain.service_orders.search import OrderFilter
from domain.service_orders.sla import SlaDeadlines
from domain.service_orders.status import Priority, ServiceOrderStatus
from domain.tax import ItemType
from domain.work_parties import WorkParty
from persistence.driver import TenantDriver
from persistence.repositories.aggregates import AggregateRepository
from persistence.repositories.base import of_tenant, one_of, one_of_param, versioned_update
from persistence.repositories.service_orders.records import OrderRecordRepository, StoredOrder
from persistence.tables import service_order_items, service_orders

SO = service_orders.c
# Domain attribute -> column, for what changes over an order's life.
MUTABLE = {
    "status": SO.status,
    "schedule_start": SO.schedule_start,
    "schedule_end": SO.schedule_end,
    "first_scheduled_at": SO.scheduled_at,
    "technician_id": SO.technician_id,
    "appointment_id": SO.appointment_id,
    "started_at": SO.started_at,
    "completed_at": SO.completed_at,
    "resolution_code": SO.resolution_code,
    "cancelled_at": SO.cancelled_at,
    "cancellation_reason": SO.cancellation_reason,
    "contract_id": SO.contract_id,
    "billed_at": SO.billed_at,
}
FIXED = {
    "id": SO.id,
    "customer_id": SO.customer_id,
    "vehicle_id": SO.vehicle_id,
    "location_id": SO.location_id,
    "priority": SO.priority,
    "description": SO.description,
    "estimate_id": SO.estimate_id,
    "created_at": SO.created_at,
    "version": SO.version,
}
DEADLINES = ("response_due_at", "resolution_due_at", "response_at_risk_at", "resolution_at_risk_at")
ORDER_COLUMNS = [
    *(c.label(name) for name, c in {**FIXED, **MUTABLE}.items()),
    *(SO[name] for name in DEADLINES),
]
ORDER_BY_ID = select(*ORDER_COLUMNS).where(of_tenant(service_orders), SO.id == bindparam("id"))
LOCKED_ORDER_BY_ID = ORDER_BY_ID.with_for_update()
FOR_ESTIMATE = select(SO.id).where(
    of_tenant(service_orders), SO.estimate_id == bindparam("estimate_id")
)
FROM_ESTIMATES = select(*ORDER_COLUMNS).where(
    of_tenant(service_orders), one_of_param(SO.estimate_id, "estimate_ids")
)
PARTY = {
    WorkParty.CUSTOMER: SO.customer_id,
    WorkParty.VEHICLE: SO.vehicle_id,
    WorkParty.LOCATION: SO.location_id,
}
NEWEST_FIRST = (SO.created_at.desc(), SO.id.desc())
"""The lists' one order: the id breaks ties, so a page never shifts between two reads."""
ADD = insert(service_orders)
ADD_ITEM = insert(service_order_items)
ITEMS = (
    select(service_order_items)
    .where(
        of_tenant(service_order_items),
        one_of_param(service_order_items.c.service_order_id, "order_ids"),
    )
    .order_by(service_order_items.c.service_order_id, service_order_items.c.position)
)
SAVE = versioned_update(
    service_orders,
    [column.key for column in MUTABLE.values()],
    SO.id == bindparam("key_id"),
    SO.status == bindparam("key_status"),
).returning(SO.version)


def _header(order: ServiceOrder) -> dict[str, Any]:
    return {column.key: getattr(order, name) for name, column in MUTABLE.items()}


def _order(row: Mapping[str, Any], tenant_id: str) -> ServiceOrder:
    values = {k: v for k, v in row.items() if k not in DEADLINES}
    return ServiceOrder(
        **{
            **values,
            "tenant_id": tenant_id,
            "priority": Priority(row["priority"]),
            "status": ServiceOrderStatus(row["status"]),
            "deadlines": SlaDeadlines(*(row[name] for name in DEADLINES)),
        }
    )


def matching(where: OrderFilter) -> Select:
    """The orders `where` lets through (also the filter of the compiled read path,
    persistence/json_reads)."""
    statement = select(*ORDER_COLUMNS).where(of_tenant(service_orders))
    if where.location_id:
        statement = statement.where(SO.location_id == where.location_id)
    if where.statuses:
        statement = statement.where(one_of(SO.status, [s.value for s in where.statuses]))
    if where.priorities:
        statement = statement.where(one_of(SO.priority, [p.value for p in where.priorities]))
    if where.customer_id:
        statement = statement.where(SO.customer_id == where.customer_id)
    return statement


class ServiceOrderRepository(AggregateRepository[ServiceOrder]):
    table = service_orders
    noun = "Service order"
    id_field = "serviceOrderId"

    def __init__(self, statements: TenantDriver, records: OrderRecordRepository):
        super().__init__(statements)
        self._records = records

    async def _read(self, order_id: str, lock: bool) -> ServiceOrder | None:
        row = await self._row(LOCKED_ORDER_BY_ID if lock else ORDER_BY_ID, id=order_id)
        if row is None:
            return None
        [order] = await self._complete([_order(row, self.tenant_id)])
        return order

    def not_found(self, order_id: str) -> DomainError:
        return ServiceOrderNotFound(order_id)

    async def for_estimate(self, estimate_id: str) -> str | None:
        """The order an estimate became, if any."""
        return await self._value(FOR_ESTIMATE, estimate_id=estimate_id)

    async def from_estimates(self, estimate_ids: Sequence[str]) -> dict[str, ServiceOrder]:
        """The orders the estimates became, by estimate id, without their records (to
        read only; `attach_records` reads those)."""
        rows = await self._rows(FROM_ESTIMATES, estimate_ids=list(estimate_ids))
        orders = await self._listed([_order(row, self.tenant_id) for row in rows])
        return {order.estimate_id: order for order in orders if order.estimate_id}

    async def search(self, where: OrderFilter, request: PageRequest) -> list[ServiceOrder]:
        """Newest first, with their items but not their records (to read only;
        `attach_records` reads those): two statements per page."""
        statement = matching(where).order_by(*NEWEST_FIRST)
        rows = await self._page_rows(statement, request)
        return await self._listed([_order(row, self.tenant_id) for row in rows])

    async def count(self, where: OrderFilter) -> int:
        return await self._count(matching(where))

    async def pages_of(
        self,
        party: WorkParty,
        party_ids: Sequence[str],
        where: OrderFilter,
        request: PageRequest,
    ) -> dict[str, list[ServiceOrder]]:
        """`search` of each party (each customer, vehicle or location) at once: one
        statement for the pages and one for their items."""
        column = PARTY[party]
        rows = await self._pages_rows(matching(where), column, party_ids, NEWEST_FIRST, request)
        orders = await self._listed([_order(row, self.tenant_id) for row in rows])
        pages: dict[str, list[ServiceOrder]] = {party_id: [] for party_id in party_ids}
        for order in orders:
            pages[getattr(order, column.key)].append(order)
        return pages

    async def counts_of(
        self, party: WorkParty, party_ids: Sequence[str], where: OrderFilter
    ) -> dict[str, int]:
        """`count` of each party at once, in one statement."""
        column = PARTY[party]
        counted = await self._counts(matching(where).where(one_of(column, party_ids)), column)
        return {party_id: counted.get(party_id, 0) for party_id in party_ids}

    async def add(self, order: ServiceOrder) -> None:
        assert order.deadlines is not None, "an order is stored with its SLA deadlines"
        values = {
            **{name: getattr(order, name) for name in FIXED if name != "version"},
            **{column.key: getattr(order, name) for name, column in MUTABLE.items()},
            **{name: getattr(order.deadlines, name) for name in DEADLINES},
        }
        values["priority"], values["status"] = order.priority.value, order.status.value
        try:
            await self._run(ADD, **values)
        except UniqueViolationError as error:
            if order.estimate_id and error.constraint_name == "uq_service_orders_tenant_estimate":
                raise EstimateAlreadyOrdered(order.estimate_id) from error
            raise
        if order.items:
            await self._run_many(
                ADD_ITEM,
                [
                    {
                        "service_order_id": order.id,
                        "position": position,
                        "item_id": item.item_id,
                        "item_type": item.item_type.value,
                        "description": item.description,
                        "quantity": item.quantity,
                        "unit_price": item.unit_price,
                        "tax_code": item.tax_code,
                    }
                    for position, item in enumerate(order.items)
                ],
            )
        self.track(order)

    def _stored_form(self, order: ServiceOrder) -> StoredOrder:
        return StoredOrder(
            _header(order),
            tuple(order.work_sessions),
            tuple(order.parts),
            order.snapshot,
            order.gl_entries,
            tuple(order.acknowledgements),
        )

    async def _save(self, order: ServiceOrder, before: StoredOrder) -> None:
        """Write the order's row if it is still at the version and status it was read
        with, then the records it added since."""
        saved = await self._value(
            SAVE,
            key_id=order.id,
            key_version=order.version,
            key_status=before.header["status"],
            **_header(order),
        )
        if saved is None:
            raise self.stale(order.id, order.version)
        order.version = saved
        await self._records.add(order, before)

    async def attach_records(self, orders: Sequence[ServiceOrder]) -> None:
        """Fill in the work sessions, parts, snapshot, GL entries and acknowledgements of
        orders read without them, for all of them at once (five statements)."""
        if orders:
            await self._records.attach({o.id: o for o in orders})

    async def _complete(self, orders: list[ServiceOrder]) -> list[ServiceOrder]:
        """Attach items, sessions, parts, snapshot and GL entries, one statement each."""
        await self.attach_records(await self._listed(orders))
        return orders

    async def _listed(self, orders: list[ServiceOrder]) -> list[ServiceOrder]:
        """Attach the orders' items (one statement): what a list shows of each order
        besides its own row. The records recorded on them wait until a client asks
        (`attach_records`)."""
        if not orders:
            return orders
        by_id = {o.id: o for o in orders}
        ids = list(by_id)
        items: dict[str, list[OrderItem]] = {}
        for row in await self._rows(ITEMS, order_ids=ids):
            items.setdefault(row["service_order_id"], []).append(
                OrderItem(
                    row["item_id"],
                    ItemType(row["item_type"]),
                    row["description"],
                    row["quantity"],
                    row["unit_price"],
                    row["tax_code"],
                )
            )
        for order_id, found in items.items():
            by_id[order_id].items = tuple(found)
        return orders
