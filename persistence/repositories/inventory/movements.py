"""The ledger of one tenant as readers ask for it: by part, location, reference, kind and
period, newest first, a page at a time (each filter has its index, see the table)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Select, and_, select

from domain.inventory.movements import MovementFilter, MovementKind, StockMovement
from domain.paging import PageRequest
from persistence.repositories.base import TenantRepository, of_tenant, one_of_param
from persistence.tables import parts, stock_movements

MOVEMENT = stock_movements.c
MOVEMENT_COLUMNS = [
    MOVEMENT.id,
    MOVEMENT.kind,
    MOVEMENT.product_id,
    parts.c.sku,
    MOVEMENT.location_id,
    MOVEMENT.quantity,
    MOVEMENT.on_hand_after,
    MOVEMENT.unit_cost,
    MOVEMENT.reference,
    MOVEMENT.reason,
    MOVEMENT.counterpart_location_id,
    MOVEMENT.recorded_by,
    MOVEMENT.occurred_at,
]
WITH_PART = stock_movements.join(
    parts, and_(parts.c.tenant_id == MOVEMENT.tenant_id, parts.c.id == MOVEMENT.product_id)
)

BY_IDS = (
    select(*MOVEMENT_COLUMNS)
    .select_from(WITH_PART)
    .where(of_tenant(stock_movements), one_of_param(MOVEMENT.id, "movement_ids"))
)


def _movement(row: Mapping[str, Any]) -> StockMovement:
    return StockMovement(**{**row, "kind": MovementKind(row["kind"])})


class StockLedger(TenantRepository):
    table = stock_movements
    noun = "Stock movement"

    def _matching(self, wanted: MovementFilter) -> Select:
        statement = (
            select(*MOVEMENT_COLUMNS).select_from(WITH_PART).where(of_tenant(stock_movements))
        )
        for column, value in (
            (MOVEMENT.product_id, wanted.product_id),
            (MOVEMENT.location_id, wanted.location_id),
            (MOVEMENT.reference, wanted.reference),
            (MOVEMENT.kind, wanted.kind.value if wanted.kind else None),
        ):
            if value is not None:
                statement = statement.where(column == value)
        if wanted.since is not None:
            statement = statement.where(MOVEMENT.occurred_at >= wanted.since)
        if wanted.until is not None:
            statement = statement.where(MOVEMENT.occurred_at < wanted.until)
        return statement

    async def movements(self, wanted: MovementFilter, request: PageRequest) -> list[StockMovement]:
        """One page, newest first, and one movement more if another page follows."""
        statement = self._matching(wanted).order_by(MOVEMENT.position.desc())
        return [_movement(row) for row in await self._page_rows(statement, request)]

    async def count(self, wanted: MovementFilter) -> int:
        return await self._count(self._matching(wanted))

    async def by_ids(self, movement_ids: Sequence[str]) -> dict[str, StockMovement]:
        rows = await self._rows(BY_IDS, movement_ids=list(movement_ids))
        return {row["id"]: _movement(row) for row in rows}
