"""Reservations of one tenant: those a stock item holds (loaded with it, written with it)
and the reads of the graph (one by id, a filtered page, the ACTIVE ones of many items).

A reservation changes only through its stock item (`StockRepository`), under the item's
row lock; this module holds the statements both use.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import (
    DateTime,
    Select,
    String,
    and_,
    bindparam,
    func,
    literal_column,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY

from domain.inventory.reservations import (
    ReferenceType,
    Reservation,
    ReservationFilter,
    ReservationStatus,
)
from domain.paging import PageRequest
from persistence.repositories.base import (
    TenantRepository,
    insert_unnested,
    of_tenant,
)
from persistence.tables import stock_reservations

RESERVATION = stock_reservations.c
COLUMNS = [c for c in stock_reservations.c if c.name != "tenant_id"]
ENDING = ["status", "consumed_quantity", "movement_id", "ended_by", "ended_at"]
ACTIVE = RESERVATION.status == literal_column(f"'{ReservationStatus.ACTIVE.value}'")
"""Written into the statement, not bound: a plan made for any value of a parameter
cannot use the indexes of ACTIVE reservations only."""
ACTIVE_OF_ITEM = select(*COLUMNS).where(
    of_tenant(stock_reservations),
    RESERVATION.product_id == bindparam("product_id"),
    RESERVATION.location_id == bindparam("location_id"),
    ACTIVE,
)
BY_ID = select(*COLUMNS).where(of_tenant(stock_reservations), RESERVATION.id == bindparam("id"))
STORED = [c.name for c in COLUMNS]
ADD = insert_unnested(stock_reservations, STORED, shared=["tenant_id"])
"""New reservations, however many, in one statement (values `by_column(rows, STORED)`)."""
END = (
    update(stock_reservations)
    .where(of_tenant(stock_reservations), RESERVATION.id == bindparam("key_id"))
    .values({name: bindparam(name) for name in ENDING})
)
NEWEST_FIRST = (RESERVATION.reserved_at.desc(), RESERVATION.id.desc())
ITEMS = (
    func.unnest(
        bindparam("product_ids", type_=ARRAY(String)),
        bindparam("location_ids", type_=ARRAY(String)),
    )
    .table_valued("product_id", "location_id")
    .render_derived(name="items")
)
"""The (product, location) pairs given as two arrays of the same length: the items a
statement reads or locks, here and in the stock levels' statements."""
OF_ITEMS = stock_reservations.join(
    ITEMS,
    and_(
        RESERVATION.product_id == ITEMS.c.product_id,
        RESERVATION.location_id == ITEMS.c.location_id,
    ),
)
ACTIVE_OF_ITEMS = (
    select(*COLUMNS)
    .select_from(OF_ITEMS)
    .where(of_tenant(stock_reservations), ACTIVE)
    .order_by(RESERVATION.expires_at, RESERVATION.id)
)
"""The ACTIVE reservations of the (product, location) pairs given as two arrays of the
same length, each pair looked up by the item's index. Matched as arrays of products
and of locations apart, the generic plan walked the index of ACTIVE reservations by
expiry (they come out in the order wanted) and filtered: all of them were read, and
each order read more than the last (15.9 ms of the database's time per order after
1,200 orders in bench.sales, against 1.5 ms after 500)."""
DUE = RESERVATION.expires_at <= bindparam("now", type_=DateTime(timezone=True))
DUE_OF_ITEMS = ACTIVE_OF_ITEMS.where(DUE)
"""ACTIVE_OF_ITEMS past their time at `now`: what reserving expires first."""


def reservation_of(row: Mapping[str, Any]) -> Reservation:
    return Reservation(
        **{
            **row,
            "reference_type": ReferenceType(row["reference_type"]),
            "status": ReservationStatus(row["status"]),
        }
    )


def stored_values(reservation: Reservation) -> dict[str, Any]:
    values = {c.name: getattr(reservation, c.name) for c in COLUMNS}
    return {
        **values,
        "reference_type": reservation.reference_type.value,
        "status": reservation.status.value,
    }


def ending_values(reservation: Reservation) -> dict[str, Any]:
    values = stored_values(reservation)
    return {"key_id": reservation.id, **{name: values[name] for name in ENDING}}


class StockReservations(TenantRepository):
    table = stock_reservations
    noun = "Reservation"

    async def find(self, reservation_id: str) -> Reservation | None:
        """The reservation in whatever state it is, or None."""
        row = await self._row(BY_ID, id=reservation_id)
        return None if row is None else reservation_of(row)

    def _matching(self, wanted: ReservationFilter) -> Select:
        statement = select(*COLUMNS).where(of_tenant(stock_reservations))
        for column, value in (
            (RESERVATION.product_id, wanted.product_id),
            (RESERVATION.location_id, wanted.location_id),
            (RESERVATION.reference_type, wanted.reference_type),
            (RESERVATION.reference_id, wanted.reference_id),
            (RESERVATION.status, wanted.status),
        ):
            if value is not None:
                statement = statement.where(column == str(value))
        return statement

    async def reservations(
        self, wanted: ReservationFilter, request: PageRequest
    ) -> list[Reservation]:
        """One page, newest first, and one more if another page follows."""
        statement = self._matching(wanted).order_by(*NEWEST_FIRST)
        return [reservation_of(row) for row in await self._page_rows(statement, request)]

    async def count(self, wanted: ReservationFilter) -> int:
        return await self._count(self._matching(wanted))

    async def active_of_items(
        self, pairs: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], list[Reservation]]:
        """The ACTIVE reservations of each (product, location), soonest to expire first,
        in one statement however many pairs."""
        found: dict[tuple[str, str], list[Reservation]] = {pair: [] for pair in pairs}
        rows = await self._rows(
            ACTIVE_OF_ITEMS,
            product_ids=[product for product, _ in found],
            location_ids=[location for _, location in found],
        )
        for row in rows:
            pair = (row["product_id"], row["location_id"])
            if pair in found:
                found[pair].append(reservation_of(row))
        return found
