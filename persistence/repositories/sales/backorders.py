"""Backorders of one tenant: one row each, queued per stock item by priority and age
(the partial index on PENDING rows serves the queue of an item)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, bindparam, func, insert, select

from domain.errors import DomainError
from domain.paging import PageRequest
from domain.sales.backorder_report import BackorderGroup
from domain.sales.backorders import (
    RANK,
    Backorder,
    BackorderFilter,
    BackorderNotFound,
    BackorderPriority,
    BackorderStatus,
)
from persistence.repositories.aggregates import AggregateRepository
from persistence.repositories.base import (
    of_tenant,
    one_of_param,
    take_written,
    versioned_update_unnested,
)
from persistence.tables import backorders

BACKORDER = backorders.c
COLUMNS = [c for c in backorders.c if c.name not in {"tenant_id", "priority_rank"}]
CHANGING = ["status", "reservation_id", "fulfilled_at"]
PENDING = BACKORDER.status == BackorderStatus.PENDING.value
QUEUE = (BACKORDER.priority_rank, BACKORDER.requested_at, BACKORDER.id)
BY_ID = select(*COLUMNS).where(of_tenant(backorders), BACKORDER.id == bindparam("id"))
QUEUE_OF_ITEM = (
    select(*COLUMNS)
    .where(
        of_tenant(backorders),
        PENDING,
        BACKORDER.product_id == bindparam("product_id"),
        BACKORDER.location_id == bindparam("location_id"),
    )
    .order_by(*QUEUE)
)
REPORT = (
    select(
        BACKORDER.priority,
        BACKORDER.status,
        func.count().label("count"),
        func.coalesce(func.sum(func.round(BACKORDER.quantity * BACKORDER.unit_price, 2)), 0).label(
            "value"
        ),
        func.coalesce(
            func.sum(func.extract("epoch", BACKORDER.fulfilled_at - BACKORDER.requested_at)), 0
        ).label("seconds_to_fill"),
    )
    .where(of_tenant(backorders))
    .group_by(BACKORDER.priority, BACKORDER.status)
)
OF_ORDERS = (
    select(*COLUMNS)
    .where(of_tenant(backorders), one_of_param(BACKORDER.order_id, "order_ids"))
    .order_by(BACKORDER.requested_at.desc(), BACKORDER.id.desc())
)
ADD = insert(backorders).returning(BACKORDER.version, BACKORDER.created_at, BACKORDER.updated_at)
SAVE = versioned_update_unnested(backorders, CHANGING).returning(
    BACKORDER.id, BACKORDER.version, BACKORDER.updated_at
)


def _backorder(tenant_id: str, row: Mapping[str, Any]) -> Backorder:
    return Backorder(
        tenant_id=tenant_id,
        **{
            **row,
            "priority": BackorderPriority(row["priority"]),
            "status": BackorderStatus(row["status"]),
        },
    )


def _values(backorder: Backorder) -> dict[str, Any]:
    return {
        "id": backorder.id,
        "customer_id": backorder.customer_id,
        "order_id": backorder.order_id,
        "product_id": backorder.product_id,
        "sku": backorder.sku,
        "location_id": backorder.location_id,
        "quantity": backorder.quantity,
        "unit_price": backorder.unit_price,
        "priority": backorder.priority.value,
        "priority_rank": RANK[backorder.priority],
        "requested_by": backorder.requested_by,
        "requested_at": backorder.requested_at,
        "expected_fulfillment_date": backorder.expected_fulfillment_date,
        "status": backorder.status.value,
        "reservation_id": backorder.reservation_id,
        "fulfilled_at": backorder.fulfilled_at,
    }


class BackorderRepository(AggregateRepository[Backorder]):
    table = backorders
    noun = "Backorder"

    async def _read(self, backorder_id: str, lock: bool) -> Backorder | None:
        row = await self._row(BY_ID, id=backorder_id)
        return None if row is None else _backorder(self.tenant_id, row)

    def not_found(self, backorder_id: str) -> DomainError:
        return BackorderNotFound(backorder_id)

    async def add(self, backorder: Backorder) -> None:
        row = await self._row(ADD, **_values(backorder))
        assert row is not None, "an INSERT ... RETURNING gives its row"
        take_written(backorder, row)
        self.track(backorder)

    async def queue_of_item(self, product_id: str, location_id: str) -> list[Backorder]:
        """The item's PENDING backorders in the order they are filled, tracked."""
        rows = await self._rows(QUEUE_OF_ITEM, product_id=product_id, location_id=location_id)
        return [self.track(_backorder(self.tenant_id, row)) for row in rows]

    async def pending_items(
        self, product_id: str | None, location_id: str | None
    ) -> list[tuple[str, str]]:
        """The (product, location) pairs with PENDING backorders, sorted."""
        statement = (
            select(BACKORDER.product_id, BACKORDER.location_id)
            .where(of_tenant(backorders), PENDING)
            .distinct()
            .order_by(BACKORDER.product_id, BACKORDER.location_id)
        )
        if product_id is not None:
            statement = statement.where(BACKORDER.product_id == product_id)
        if location_id is not None:
            statement = statement.where(BACKORDER.location_id == location_id)
        return [(row["product_id"], row["location_id"]) for row in await self._rows(statement)]

    async def backorders(self, wanted: BackorderFilter, request: PageRequest) -> list[Backorder]:
        """One page, newest first, and one more if another page follows."""
        statement = self._matching(wanted).order_by(
            BACKORDER.requested_at.desc(), BACKORDER.id.desc()
        )
        rows = await self._page_rows(statement, request)
        return [_backorder(self.tenant_id, row) for row in rows]

    async def count(self, wanted: BackorderFilter) -> int:
        return await self._count(self._matching(wanted))

    async def of_orders(self, order_ids: Sequence[str]) -> dict[str, list[Backorder]]:
        """The backorders recorded for each order, newest first, in one statement."""
        found: dict[str, list[Backorder]] = {key: [] for key in order_ids}
        for row in await self._rows(OF_ORDERS, order_ids=list(order_ids)):
            found[row["order_id"]].append(_backorder(self.tenant_id, row))
        return found

    async def report_groups(self) -> list[BackorderGroup]:
        """Every backorder counted, valued and timed by priority and status (one scan)."""
        return [
            BackorderGroup(
                priority=BackorderPriority(row["priority"]),
                status=BackorderStatus(row["status"]),
                count=row["count"],
                value=Decimal(row["value"]),
                seconds_to_fill=Decimal(row["seconds_to_fill"]),
            )
            for row in await self._rows(REPORT)
        ]

    def _matching(self, wanted: BackorderFilter) -> Select:
        statement = select(*COLUMNS).where(of_tenant(backorders))
        for column, value in (
            (BACKORDER.customer_id, wanted.customer_id),
            (BACKORDER.order_id, wanted.order_id),
            (BACKORDER.product_id, wanted.product_id),
            (BACKORDER.location_id, wanted.location_id),
            (BACKORDER.status, wanted.status.value if wanted.status else None),
        ):
            if value is not None:
                statement = statement.where(column == value)
        return statement

    def _stored_form(self, backorder: Backorder) -> dict[str, Any]:
        return {name: value for name, value in _values(backorder).items() if name in CHANGING}

    async def _save(self, backorder: Backorder, before: Any) -> None:
        await self._save_all([(backorder, before)])

    async def _save_all(self, changed: list[tuple[Backorder, Any]]) -> None:
        """Every changed backorder in one statement (an arrival fills a whole queue),
        each row version-checked: one that matched no row is VERSION_CONFLICT."""
        stored = [self._stored_form(backorder) for backorder, _ in changed]
        rows = await self._rows(
            SAVE,
            key_id=[backorder.id for backorder, _ in changed],
            key_version=[backorder.version for backorder, _ in changed],
            **{f"new_{name}": [form[name] for form in stored] for name in CHANGING},
        )
        written = {row["id"]: row for row in rows}
        for backorder, _ in changed:
            row = written.get(backorder.id)
            if row is None:
                raise self.stale(backorder.id, backorder.version)
            backorder.version, backorder.updated_at = row["version"], row["updated_at"]
