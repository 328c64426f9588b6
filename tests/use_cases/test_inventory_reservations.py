"""Reservations' rules on the in-memory unit of work: what reserving, releasing,
consuming and expiring do to the item's figures, what they refuse (codes and fields),
the exact events, and that a refusal stores nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest

from domain.clock import ManualClock
from domain.errors import DomainError
from domain.inventory.events import (
    ReservationConsumed,
    ReservationExpired,
    ReservationReleased,
    StockMoved,
    StockReserved,
)
from domain.inventory.movements import MovementKind
from domain.inventory.reservations import ReferenceType, ReservationStatus
from domain.paging import PageRequest
from resolvers.catalog.use_cases import create_part
from resolvers.inventory import ledger, levels, reservations
from resolvers.locations.use_cases import create_location
from tests.use_cases.conftest import TENANT
from tests.use_cases.fakes import Database, FakeUnitOfWork
from tests.use_cases.outcomes import refusal, with_ids_of

Units = Callable[[], FakeUnitOfWork]
CLERK = "clerk-1"
DAY = timedelta(days=1)


@pytest.fixture
async def stocked(uow: Units, clock: ManualClock, database: Database) -> None:
    await create_part(
        uow, {"id": "PART-1", "sku": "OIL-5W30", "name": "Oil", "unit_price": Decimal(9)}
    )
    await create_location(uow, {"id": "LOC-A", "name": "LOC-A"})
    await ledger.receive_stock(uow, clock, CLERK, "OIL-5W30", "LOC-A", Decimal(10), Decimal(4))
    database.outbox.clear()


async def reserve(uow: Units, clock: ManualClock, quantity: str, **given: object):
    return await reservations.reserve_stock(
        uow,
        clock,
        CLERK,
        given.get("product_id", "PART-1"),  # type: ignore[arg-type]
        given.get("sku"),  # type: ignore[arg-type]
        "LOC-A",
        Decimal(quantity),
        given.get("reference_type", ReferenceType.ORDER_LINE),  # type: ignore[arg-type]
        given.get("reference_id", "SO-1/1"),  # type: ignore[arg-type]
        given.get("expires_at", clock.now() + DAY),  # type: ignore[arg-type]
        alone=uow if given.get("alone") else None,
    )


def facts(clock: ManualClock, reservation_id: str, quantity: str, reserved: str, on_hand="10"):
    return {
        "aggregate_id": "PART-1@LOC-A",
        "tenant_id": TENANT,
        "occurred_at": clock.now(),
        "reservation_id": reservation_id,
        "product_id": "PART-1",
        "sku": "OIL-5W30",
        "location_id": "LOC-A",
        "quantity": Decimal(quantity),
        "reference_type": ReferenceType.ORDER_LINE,
        "reference_id": "SO-1/1",
        "on_hand": Decimal(on_hand),
        "reserved": Decimal(reserved),
    }


async def level(uow: Units):
    return (await levels.stock_levels(uow, "OIL-5W30", "LOC-A"))[0]


ALONE = pytest.mark.parametrize("alone", [False, True], ids=["in a transaction", "alone"])
"""Both ways of `reserve_stock`: in a transaction under the row lock, or in two
statements that stand alone (`alone`), which must change and record the same."""


@ALONE
async def test_a_reservation_holds_stock_and_records_stock_reserved(
    uow: Units, clock: ManualClock, database: Database, stocked: None, alone: bool
) -> None:
    item, reservation = await reserve(uow, clock, "4", product_id=None, sku="oil-5w30", alone=alone)

    assert reservation.id == "RES-001"
    assert (reservation.status, reservation.quantity, reservation.reserved_by) == (
        ReservationStatus.ACTIVE,
        4,
        CLERK,
    )
    assert (item.on_hand, item.reserved, item.available) == (10, 4, 6)
    stored = await level(uow)
    assert (stored.reserved, stored.available) == (4, 6)
    assert database.outbox == with_ids_of(
        database.outbox,
        [
            StockReserved(
                **facts(clock, "RES-001", "4", "4"),
                expires_at=clock.now() + DAY,
                reserved_by=CLERK,
            )
        ],
    )


async def test_more_than_available_is_insufficient_stock_naming_the_figures(
    uow: Units, clock: ManualClock, database: Database, stocked: None
) -> None:
    await reserve(uow, clock, "7")
    with pytest.raises(DomainError) as refused:
        await reserve(uow, clock, "4")

    assert refusal(refused) == [("INSUFFICIENT_STOCK", "quantity")]
    assert refused.value.details == {  # type: ignore[attr-defined]
        "sku": "OIL-5W30",
        "locationId": "LOC-A",
        "available": "3",
        "requested": "4",
    }
    assert (await level(uow)).reserved == 7
    assert len(database.committed("stock_reservations", TENANT)) == 1


async def test_reserved_stock_cannot_be_issued(
    uow: Units, clock: ManualClock, stocked: None
) -> None:
    await reserve(uow, clock, "8")
    with pytest.raises(DomainError) as refused:
        await ledger.issue_stock(uow, clock, CLERK, "OIL-5W30", "LOC-A", Decimal(3))
    assert refusal(refused) == [("INSUFFICIENT_STOCK", "quantity")]


@pytest.mark.parametrize(
    ("expires_in", "quantity", "reference_id", "field"),
    [
        (timedelta(0), "1", "SO-1", "expiresAt"),
        (-DAY, "1", "SO-1", "expiresAt"),
        (timedelta(days=90, seconds=1), "1", "SO-1", "expiresAt"),
        (DAY, "0", "SO-1", "quantity"),
        (DAY, "1.00001", "SO-1", "quantity"),
        (DAY, "1", " ", "referenceId"),
    ],
)
async def test_bad_reservations_are_refused_and_store_nothing(
    uow: Units,
    clock: ManualClock,
    database: Database,
    stocked: None,
    expires_in: timedelta,
    quantity: str,
    reference_id: str,
    field: str,
) -> None:
    with pytest.raises(DomainError) as refused:
        await reserve(
            uow, clock, quantity, expires_at=clock.now() + expires_in, reference_id=reference_id
        )
    assert refusal(refused) == [("BAD_USER_INPUT", field)]
    assert database.outbox == []
    assert (await level(uow)).reserved == 0


async def test_ninety_days_ahead_is_the_longest_hold(
    uow: Units, clock: ManualClock, stocked: None
) -> None:
    _, reservation = await reserve(uow, clock, "1", expires_at=clock.now() + 90 * DAY)
    assert reservation.expires_at == clock.now() + 90 * DAY


async def test_unknown_part_and_location_are_refused(
    uow: Units, clock: ManualClock, stocked: None
) -> None:
    with pytest.raises(DomainError) as refused:
        await reserve(uow, clock, "1", product_id=None, sku="NOPE")
    assert refusal(refused) == [("PART_NOT_FOUND", "sku")]
    with pytest.raises(DomainError) as refused:
        await reservations.reserve_stock(
            uow,
            clock,
            CLERK,
            "PART-1",
            None,
            "LOC-X",
            Decimal(1),
            ReferenceType.OTHER,
            "x",
            clock.now() + DAY,
        )
    assert refusal(refused) == [("LOCATION_NOT_FOUND", "locationId")]


async def test_release_gives_the_stock_back_once(
    uow: Units, clock: ManualClock, database: Database, stocked: None
) -> None:
    await reserve(uow, clock, "4")
    database.outbox.clear()
    item, reservation = await reservations.release_reservation(uow, clock, "boss", "RES-001")

    assert (reservation.status, reservation.ended_by, reservation.ended_at) == (
        ReservationStatus.RELEASED,
        "boss",
        clock.now(),
    )
    assert (item.reserved, (await level(uow)).reserved) == (0, 0)
    assert database.outbox == with_ids_of(
        database.outbox,
        [ReservationReleased(**facts(clock, "RES-001", "4", "0"), released_by="boss")],
    )
    with pytest.raises(DomainError) as refused:
        await reservations.release_reservation(uow, clock, "boss", "RES-001")
    assert refusal(refused) == [("RESERVATION_NOT_ACTIVE", "reservationId")]
    assert "RELEASED" in str(refused.value)
    with pytest.raises(DomainError) as refused:
        await reservations.release_reservation(uow, clock, "boss", "RES-999")
    assert refusal(refused) == [("RESERVATION_NOT_FOUND", "reservationId")]


async def test_consuming_all_writes_a_consumption_and_lowers_on_hand_and_reserved(
    uow: Units, clock: ManualClock, database: Database, stocked: None
) -> None:
    await reserve(uow, clock, "4")
    database.outbox.clear()
    item, reservation, movement = await reservations.consume_reservation(
        uow, clock, "tech", "RES-001", None
    )

    assert (item.on_hand, item.reserved, item.available) == (6, 0, 6)
    assert (movement.kind, movement.quantity, movement.reference) == (
        MovementKind.CONSUMPTION,
        -4,
        "SO-1/1",
    )
    assert (reservation.status, reservation.consumed_quantity, reservation.movement_id) == (
        ReservationStatus.CONSUMED,
        4,
        movement.id,
    )
    assert [type(e) for e in database.outbox] == [StockMoved, ReservationConsumed]
    assert (
        database.outbox[1]
        == with_ids_of(
            database.outbox[1:],
            [
                ReservationConsumed(
                    **facts(clock, "RES-001", "4", "0", on_hand="6"),
                    consumed_quantity=Decimal(4),
                    released_quantity=Decimal(0),
                    movement_id=movement.id,
                    consumed_by="tech",
                )
            ],
        )[0]
    )
    moved = database.outbox[0]
    assert isinstance(moved, StockMoved)
    assert (moved.kind, moved.quantity, moved.on_hand, moved.reserved) == (
        MovementKind.CONSUMPTION,
        -4,
        6,
        0,
    )
    stored = await level(uow)
    assert (stored.on_hand, stored.reserved) == (6, 0)


async def test_consuming_part_gives_the_rest_back_and_more_is_refused(
    uow: Units, clock: ManualClock, database: Database, stocked: None
) -> None:
    await reserve(uow, clock, "4")
    with pytest.raises(DomainError) as refused:
        await reservations.consume_reservation(uow, clock, "tech", "RES-001", Decimal(5))
    assert refusal(refused) == [("RESERVATION_EXCEEDED", "quantity")]

    item, _, _ = await reservations.consume_reservation(
        uow, clock, "tech", "RES-001", Decimal("2.5")
    )
    assert (item.on_hand, item.reserved, item.available) == (Decimal("7.5"), 0, Decimal("7.5"))
    consumed = database.outbox[-1]
    assert isinstance(consumed, ReservationConsumed)
    assert (consumed.consumed_quantity, consumed.released_quantity) == (
        Decimal("2.5"),
        Decimal("1.5"),
    )
    with pytest.raises(DomainError) as refused:
        await reservations.consume_reservation(uow, clock, "tech", "RES-001", None)
    assert refusal(refused) == [("RESERVATION_NOT_ACTIVE", "reservationId")]


async def test_the_sweep_expires_what_is_due_at_its_instant_once(
    uow: Units, clock: ManualClock, database: Database, stocked: None
) -> None:
    await reserve(uow, clock, "3", expires_at=clock.now() + timedelta(hours=1))
    await reserve(uow, clock, "2", expires_at=clock.now() + timedelta(hours=2))
    database.outbox.clear()

    clock.advance(timedelta(minutes=59))
    assert await reservations.expire_reservations(uow, clock, "PART-1@LOC-A") == 0
    clock.advance(timedelta(minutes=1))
    assert await reservations.expire_reservations(uow, clock, "PART-1@LOC-A") == 1
    assert await reservations.expire_reservations(uow, clock, "PART-1@LOC-A") == 0

    assert database.outbox == with_ids_of(
        database.outbox,
        [
            ReservationExpired(
                **facts(clock, "RES-001", "3", "2"),
                expires_at=clock.now(),
            )
        ],
    )
    assert (await level(uow)).reserved == 2
    page = await reservations.reservations(
        uow, PageRequest(0, 20), status=ReservationStatus.EXPIRED
    )
    assert [r.id for r in page.items] == ["RES-001"]


@ALONE
async def test_a_new_reservation_first_expires_those_past_their_time(
    uow: Units, clock: ManualClock, database: Database, stocked: None, alone: bool
) -> None:
    await reserve(uow, clock, "10", expires_at=clock.now() + timedelta(hours=1), alone=alone)
    clock.advance(timedelta(hours=1))
    database.outbox.clear()

    item, reservation = await reserve(uow, clock, "10", alone=alone)

    assert (item.reserved, reservation.id) == (10, "RES-002")
    assert [type(e) for e in database.outbox] == [ReservationExpired, StockReserved]


async def test_alone_a_level_holding_reservations_not_due_takes_one_more_and_keeps_them(
    uow: Units, clock: ManualClock, database: Database, stocked: None
) -> None:
    await reserve(uow, clock, "4", alone=True)
    item, reservation = await reserve(uow, clock, "5", alone=True, reference_id="SO-2/1")
    with pytest.raises(DomainError) as refused:
        await reserve(uow, clock, "2", alone=True)

    assert (item.reserved, item.available, reservation.id) == (9, 1, "RES-002")
    assert refused.value.code == "INSUFFICIENT_STOCK"
    stored = await level(uow)
    assert (stored.reserved, stored.version) == (9, item.version)
    active = await reservations.reservations(
        uow, PageRequest(0, 20), status=ReservationStatus.ACTIVE
    )
    assert sorted(r.quantity for r in active.items) == [4, 5]
    assert [type(e) for e in database.outbox] == [StockReserved, StockReserved]


async def test_reservations_are_filtered_by_part_location_reference_and_status(
    uow: Units, clock: ManualClock, stocked: None
) -> None:
    await reserve(uow, clock, "1")
    clock.advance(timedelta(seconds=1))
    await reserve(uow, clock, "1", reference_type=ReferenceType.OPPORTUNITY, reference_id="OPP-7")
    await reservations.release_reservation(uow, clock, CLERK, "RES-001")

    def ids(page) -> list[str]:
        return [r.id for r in page.items]

    everything = await reservations.reservations(uow, PageRequest(0, 20), sku="OIL-5W30")
    assert ids(everything) == ["RES-002", "RES-001"]
    by_reference = await reservations.reservations(
        uow, PageRequest(0, 20), reference_type=ReferenceType.OPPORTUNITY, reference_id="OPP-7"
    )
    assert ids(by_reference) == ["RES-002"]
    active = await reservations.reservations(
        uow, PageRequest(0, 20), location_id="LOC-A", status=ReservationStatus.ACTIVE
    )
    assert ids(active) == ["RES-002"]
    assert [
        [r.id for r in found]
        for found in await reservations.active_reservations_of_levels(
            uow, [("PART-1", "LOC-A"), ("PART-1", "LOC-B")]
        )
    ] == [["RES-002"], []]


async def test_another_tenant_sees_no_reservation(
    uow: Units, stranger: Units, clock: ManualClock, stocked: None
) -> None:
    await reserve(uow, clock, "1")
    with pytest.raises(DomainError) as refused:
        await reservations.release_reservation(stranger, clock, CLERK, "RES-001")
    assert refusal(refused) == [("RESERVATION_NOT_FOUND", "reservationId")]


async def test_a_reservation_given_no_time_holds_for_a_week(
    uow: Units, clock: ManualClock, stocked: None
) -> None:
    _, reservation = await reserve(uow, clock, "2", expires_at=None)
    assert reservation.expires_at == clock.now() + 7 * DAY
    clock.advance(7 * DAY - timedelta(seconds=1))
    assert (await level(uow)).reserved == 2
    await reserve(uow, clock, "1", expires_at=None)
    assert (await level(uow)).reserved == 3
    clock.advance(timedelta(seconds=1))
    assert await reservations.expire_reservations(uow, clock, "PART-1@LOC-A") == 1
    assert (await level(uow)).reserved == 1, "the first expired at its week, the second holds"
