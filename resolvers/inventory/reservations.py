"""Reservations: reserve, release, consume, and the expiry of abandoned ones.

Like the ledger's commands they take no version: each decides on the latest figures
under the item's row lock, so of fifty clients
reserving the last ten units exactly ten succeed and the rest are INSUFFICIENT_STOCK.
A reservation is found by its id first, then its item is locked and the reservation
looked at again: whatever happened to it meanwhile happened under that lock, so the
state seen then is final (RESERVATION_NOT_ACTIVE names it).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from domain.catalog import normalize_sku
from domain.clock import Clock
from domain.inventory.movements import StockMovement
from domain.inventory.reservations import (
    DEFAULT_HOLD,
    ReferenceType,
    Reservation,
    ReservationFilter,
    ReservationNotActive,
    ReservationNotFound,
    ReservationStatus,
)
from domain.inventory.stock import StockItem, stock_id
from domain.paging import Page, PageRequest
from resolvers.changes import existing
from resolvers.inventory.ledger import location_must_exist, part_of_sku
from resolvers.inventory.pricing import named_part
from resolvers.paging import paged
from resolvers.ports import UnitOfWork, UnitOfWorkFactory
from resolvers.sales.backorder_filling import fill_backorders

RESERVATION_SERIES = "RES"
SWEEPER = "reservation-sweeper"
"""Who reserved the stock of backorders an expiry filled (`reservedBy`)."""


async def reserve_stock(
    uow: UnitOfWorkFactory,
    clock: Clock,
    by: str,
    product_id: str | None,
    sku: str | None,
    location_id: str,
    quantity: Decimal,
    reference_type: ReferenceType,
    reference_id: str,
    expires_at: datetime | None,
    *,
    alone: UnitOfWorkFactory | None = None,
) -> tuple[StockItem, Reservation]:
    """Hold `quantity` of the part (by id or SKU) at `location_id` until `expires_at`
    (`DEFAULT_HOLD` from now if None). The id is taken first, from the block of RES numbers
    the process holds (`next_id_of_block`: numbers are taken outside the transaction,
    docs/decisions.md, and most reservations spend no statement on theirs), so a refused
    reservation leaves a gap.

    A hot path (docs/inventory.md, "Reservations"). Given `alone` (units of work that
    open no transaction), the level is read in one statement and the
    item's change written in a second, version-checked: two round trips when nothing
    else changed the level meanwhile (persistence/repositories/inventory/
    lone_reservations.py). Otherwise, in a transaction, the part's level at the location
    is locked by the part's id or SKU in one statement; only if there is none (never
    stocked there, or an unknown part or location) are the part and the location looked
    up, to refuse with the error that names what is wrong, or to find nothing available."""
    now = clock.now()
    the_sku = None if sku is None else normalize_sku(sku)
    until = expires_at or now + DEFAULT_HOLD
    reservation_id = None
    if alone is not None and (product_id is not None or the_sku is not None):
        async with alone() as work:
            reservation_id = await work.naming.next_id_of_block(RESERVATION_SERIES)
            item = await work.lone_reservations.level(product_id, the_sku, location_id, now)
            if item is not None:
                reservation = item.reserve(
                    reservation_id, quantity, reference_type, reference_id, until, by, now
                )
                if await work.lone_reservations.saved_alone(item, reservation):
                    return item, reservation
    async with uow() as work:
        if reservation_id is None:
            reservation_id = await work.naming.next_id_of_block(RESERVATION_SERIES)
        item = await work.stock.locked_if_stocked(product_id, the_sku, location_id)
        if item is None:
            part = await named_part(work, product_id, sku, "")
            await location_must_exist(work, location_id, "locationId")
            item = await existing(work.stock, stock_id(part.id, location_id), lock=True)
        reservation = item.reserve(
            reservation_id, quantity, reference_type, reference_id, until, by, now
        )
        await work.commit()
        return item, reservation


async def _locked_active(work: UnitOfWork, reservation_id: str) -> tuple[StockItem, Reservation]:
    found = await work.stock_reservations.find(reservation_id)
    if found is None:
        raise ReservationNotFound(reservation_id)
    item = await work.stock.get(stock_id(found.product_id, found.location_id), lock=True)
    assert item is not None, "a reservation's level row exists (foreign key)"
    reservation = item.reservation(reservation_id)
    if reservation is None:
        now_found = await work.stock_reservations.find(reservation_id)
        raise ReservationNotActive(now_found or found)
    return item, reservation


async def release_reservation(
    uow: UnitOfWorkFactory, clock: Clock, by: str, reservation_id: str
) -> tuple[StockItem, Reservation]:
    async with uow() as work:
        item, reservation = await _locked_active(work, reservation_id)
        now = clock.now()
        item.release(reservation, by, now)
        await fill_backorders(work, item, by, now)
        await work.commit()
        return item, reservation


async def consume_reservation(
    uow: UnitOfWorkFactory,
    clock: Clock,
    by: str,
    reservation_id: str,
    quantity: Decimal | None,
) -> tuple[StockItem, Reservation, StockMovement]:
    """All that is held (`quantity` None) or part of it; the rest is given back."""
    async with uow() as work:
        item, reservation = await _locked_active(work, reservation_id)
        movement = item.consume(reservation, quantity, by, clock.now())
        await work.commit()
        return item, reservation, movement


async def expire_reservations(uow: UnitOfWorkFactory, clock: Clock, item_id: str) -> int:
    """The sweeper's step for one item: expire what is due at the clock's instant under
    the item's row lock, and fill the item's pending backorders from the stock that freed,
    in the same unit of work (as a release does). Run twice at once (two replicas), the
    second waits for the first's lock and then finds nothing due, so each expiry is
    recorded once."""
    now = clock.now()
    async with uow() as work:
        item = await work.stock.get(item_id, lock=True)
        if item is None:
            return 0
        expired = item.expire_due(now)
        if expired:
            await fill_backorders(work, item, SWEEPER, now)
        await work.commit()
        return len(expired)


async def reservations(
    uow: UnitOfWorkFactory,
    request: PageRequest,
    *,
    product_id: str | None = None,
    sku: str | None = None,
    location_id: str | None = None,
    reference_type: ReferenceType | None = None,
    reference_id: str | None = None,
    status: ReservationStatus | None = None,
) -> Page[Reservation]:
    if sku is not None and product_id is None:
        async with uow() as work:
            product_id = await part_of_sku(work, sku)
    wanted = ReservationFilter(product_id, location_id, reference_type, reference_id, status)

    async def rows(work: UnitOfWork) -> list[Reservation]:
        return await work.stock_reservations.reservations(wanted, request)

    async def total(work: UnitOfWork) -> int:
        return await work.stock_reservations.count(wanted)

    return await paged(uow, request, rows, total)


async def active_reservations_of_levels(
    uow: UnitOfWorkFactory, pairs: Sequence[tuple[str, str]]
) -> list[list[Reservation]]:
    """Batch for `StockLevel.reservations`: one statement for every level of a request."""
    async with uow() as work:
        found = await work.stock_reservations.active_of_items(pairs)
    return [found[pair] for pair in pairs]
