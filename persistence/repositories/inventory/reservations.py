"""Reservations of one tenant: those a stock item holds (loaded with it, written with it)
and the reads of the graph (one by id, a filtered page, the ACTIVE ones of many items).

A reservation changes only through its stock item (`StockRepository`), under the item's
row lock; this module holds the statements both use.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Select, bindparam, select, update

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
    one_of_param,
)
from persistence.tables import stock_reservations

RESERVATION = stock_reservations.c
COLUMNS = [c for c in stock_reservations.c if c.name != "tenant_id"]
ENDING = ["status", "consumed_quantity", "movement_id", "ended_by", "ended_at"]
ACTIVE = RESERVATION.status == ReservationStatus.ACTIVE.value
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
ACTIVE_OF_ITEMS = (
    select(*COLUMNS)
    .where(
        of_tenant(stock_reservations),
        ACTIVE,
        one_of_param(RESERVATION.product_id, "product_ids"),
        one_of_param(RESERVATION.location_id, "location_ids"),
    )
    .order_by(RESERVATION.expires_at, RESERVATION.id)
)


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
            product_ids=sorted({product for product, _ in pairs}),
            location_ids=sorted({location for _, location in pairs}),
        )
        for row in rows:
            pair = (row["product_id"], row["location_id"])
            if pair in found:
                found[pair].append(reservation_of(row))
        return found
