"""A reservation in two statements and no transaction: the hot path of `reserveStock`.

The general path (`StockRepository` in a unit of work) spends six round trips on a
reservation of stocked stock: BEGIN, the level locked, the level's UPDATE, the
reservation's INSERT, the outbox INSERT and COMMIT.
Here each statement is atomic by itself, as a single statement is in PostgreSQL:

1. `level`: the level read, unlocked (the reservation's number comes from the block of
   numbers the process holds, `NamingSeries.next_id_of_block`, so this statement
   writes nothing);
2. `saved_alone`: the level's version-checked UPDATE, the reservation's INSERT and the
   events' outbox INSERT in one statement (data-modifying CTEs), the two INSERTs
   reading the UPDATE's row: the level did not change since it was read, or nothing
   at all is written.

The aggregate decides in between, as everywhere (`StockItem.reserve`): the figures it
decides on are the latest committed ones, and the version check makes sure they are
still the latest when its change is written. When they are not (another change of the
level came between), `saved_alone` writes nothing and says so, and the caller goes the
general way under the row lock with the number already taken. Fifty clients reserving
the last ten units thus still get exactly ten.

A level holding a reservation due by now is left to the general path too (a new
reservation expires those first, which needs them loaded): the read answers no item.
A level holding only reservations not yet due is read without them (the item's list is
empty although `reserved` is not): reserving adds one and expires none, so the item's
change is the same.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    Select,
    String,
    bindparam,
    case,
    cast,
    func,
    insert,
    select,
)

from domain.inventory.reservations import Reservation
from domain.inventory.stock import StockItem
from persistence.driver import TENANT
from persistence.repositories.base import TenantRepository, of_tenant, take_written
from persistence.repositories.inventory.reservations import ACTIVE, STORED, stored_values
from persistence.repositories.inventory.stock import (
    ITEM_COLUMNS,
    LEVEL,
    SAVE_LEVEL,
    WITH_PART,
    figures,
)
from persistence.repositories.outbox import event_values, events_appended
from persistence.tables import stock_levels, stock_reservations

RESERVATION = stock_reservations.c
NEXT_EXPIRY = case(
    (
        LEVEL.reserved > 0,
        select(func.min(RESERVATION.expires_at))
        .where(
            of_tenant(stock_reservations),
            RESERVATION.product_id == LEVEL.product_id,
            RESERVATION.location_id == LEVEL.location_id,
            ACTIVE,
        )
        .scalar_subquery(),
    ),
    else_=None,
).label("next_expiry")
"""When the level's first ACTIVE reservation expires (only read if it holds any)."""


@cache
def _level(by_id: bool, by_sku: bool) -> Select[Any]:
    """The level of the part (by id, SKU or both) at the location, if there is one."""
    where = [of_tenant(stock_levels), LEVEL.location_id == bindparam("location_id")]
    if by_id:
        where.append(LEVEL.product_id == bindparam("product_id"))
    if by_sku:
        where.append(LEVEL.sku == bindparam("sku"))
    return select(*ITEM_COLUMNS, NEXT_EXPIRY).select_from(WITH_PART).where(*where)


def _saved_alone() -> Select[Any]:
    saved = SAVE_LEVEL.cte("saved_level")
    added = insert(stock_reservations).from_select(
        [TENANT, *STORED],
        select(
            cast(bindparam(TENANT), String),
            *(
                cast(bindparam(f"new_{name}", type_=RESERVATION[name].type), RESERVATION[name].type)
                for name in STORED
            ),
        ).select_from(saved),
    )
    events = events_appended(select(saved.c.version).exists())
    return select(saved.c.version, saved.c.updated_at).add_cte(
        added.cte("added_reservation"), events.cte("appended_events")
    )


SAVED_ALONE = _saved_alone()


class LoneReservations(TenantRepository):
    """Reservations made by statements that stand alone (outside any transaction); the
    unit of work they run in is expected to open none (a reading unit)."""

    table = stock_reservations

    async def level(
        self, product_id: str | None, sku: str | None, location_id: str, now: datetime
    ) -> StockItem | None:
        """The item of the part (by id, normalized SKU or both) at the location as stored
        now, unlocked and untracked; None if there is no such level or it holds a
        reservation due by `now`."""
        by_id, by_sku = product_id is not None, sku is not None
        key = {"product_id": product_id} if by_id else {}
        if by_sku:
            key["sku"] = sku
        row = await self._row(_level(by_id, by_sku), location_id=location_id, **key)
        if row is None or (row["next_expiry"] is not None and row["next_expiry"] <= now):
            return None
        columns = {c.name: row[c.name] for c in ITEM_COLUMNS}
        return StockItem(tenant_id=self.tenant_id, **columns)

    async def saved_alone(self, item: StockItem, reservation: Reservation) -> bool:
        """Write the item's figures, `reservation` and the events it recorded in one
        statement if the level is still at the item's version; whether it was (nothing
        is written otherwise). The item then has its new version and its events are
        handed over."""
        events = list(item.events)
        level = {
            **figures(item),
            "key_product_id": item.product_id,
            "key_location_id": item.location_id,
            "key_version": item.version,
        }
        values = {
            **level,
            **{f"new_{name}": value for name, value in stored_values(reservation).items()},
            **event_values(events),
        }
        row = await self._row(SAVED_ALONE, **values)
        if row is None:
            return False
        take_written(item, row)
        item.events.clear()
        return True
