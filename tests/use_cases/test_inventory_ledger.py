"""The stock ledger's rules on the in-memory unit of work: what each command moves, what
it refuses (codes, fields, the figures an INSUFFICIENT_STOCK names), the events recorded,
and that a refusal stores nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from domain.clock import ManualClock
from domain.errors import DomainError
from domain.inventory.events import StockMoved, StockShortageDetected
from domain.inventory.movements import MovementKind
from domain.paging import PageRequest
from resolvers.catalog.use_cases import create_part
from resolvers.inventory import ledger, levels, shortages
from resolvers.locations.use_cases import create_location
from tests.use_cases.conftest import TENANT
from tests.use_cases.fakes import Database, FakeUnitOfWork
from tests.use_cases.outcomes import refusal, with_ids_of

Units = Callable[[], FakeUnitOfWork]
CLERK = "clerk-1"


@pytest.fixture
async def shop(uow: Units) -> None:
    await create_part(
        uow, {"id": "PART-1", "sku": "OIL-5W30", "name": "Oil", "unit_price": Decimal(9)}
    )
    for location in ("LOC-A", "LOC-B"):
        await create_location(uow, {"id": location, "name": location})


def moved(clock: ManualClock, kind: MovementKind, quantity: str, on_hand: str, **facts: object):
    location = str(facts.pop("location_id", "LOC-A"))
    return StockMoved(
        aggregate_id=f"PART-1@{location}",
        tenant_id=TENANT,
        occurred_at=clock.now(),
        movement_id="",
        kind=kind,
        product_id="PART-1",
        sku="OIL-5W30",
        location_id=location,
        quantity=Decimal(quantity),
        on_hand=Decimal(on_hand),
        reserved=Decimal(0),
        unit_cost=facts.pop("unit_cost", None),  # type: ignore[arg-type]
        reference=facts.pop("reference", None),  # type: ignore[arg-type]
        reason=facts.pop("reason", None),  # type: ignore[arg-type]
        counterpart_location_id=facts.pop("counterpart_location_id", None),  # type: ignore[arg-type]
        recorded_by=CLERK,
    )


def ids_of_movements(database: Database) -> list[str]:
    return [e.movement_id for e in database.outbox if isinstance(e, StockMoved)]


def with_movement_ids(database: Database, expected: list) -> list:
    movement_ids = iter(ids_of_movements(database))
    filled = [
        e.__class__(**{**vars(e), "movement_id": next(movement_ids)})
        if isinstance(e, StockMoved)
        else e
        for e in expected
    ]
    return with_ids_of(database.outbox, filled)


async def receive(uow: Units, clock: ManualClock, quantity: str, location: str = "LOC-A"):
    return await ledger.receive_stock(
        uow, clock, CLERK, "oil-5w30", location, Decimal(quantity), Decimal("4.50"), "PO-1"
    )


async def test_a_receipt_adds_to_on_hand_writes_the_ledger_and_records_the_movement(
    uow: Units, clock: ManualClock, database: Database, shop: None
) -> None:
    item, movement = await receive(uow, clock, "10")

    assert (item.on_hand, item.reserved, item.available, item.version) == (10, 0, 10, 1)
    assert (movement.kind, movement.quantity, movement.on_hand_after) == (
        MovementKind.RECEIPT,
        10,
        10,
    )
    assert (movement.reference, movement.recorded_by, movement.occurred_at) == (
        "PO-1",
        CLERK,
        clock.now(),
    )
    assert database.outbox == with_movement_ids(
        database,
        [
            moved(
                clock,
                MovementKind.RECEIPT,
                "10",
                "10",
                unit_cost=Decimal("4.50"),
                reference="PO-1",
            )
        ],
    )
    assert [m.id for m in database.committed("stock_movements", TENANT).values()] == [movement.id]


async def test_an_issue_takes_stock_and_the_last_units_are_a_shortage_once(
    uow: Units, clock: ManualClock, database: Database, shop: None
) -> None:
    await receive(uow, clock, "3")
    database.outbox.clear()
    for _ in range(3):
        item, _ = await ledger.issue_stock(uow, clock, CLERK, "OIL-5W30", "LOC-A", Decimal(1))

    assert item.on_hand == 0
    shortage = StockShortageDetected(
        aggregate_id="PART-1@LOC-A",
        tenant_id=TENANT,
        occurred_at=clock.now(),
        product_id="PART-1",
        sku="OIL-5W30",
        location_id="LOC-A",
        on_hand=Decimal(0),
        reserved=Decimal(0),
        reorder_point=Decimal(0),
    )
    assert database.outbox == with_movement_ids(
        database,
        [
            moved(clock, MovementKind.ISSUE, "-1", "2"),
            moved(clock, MovementKind.ISSUE, "-1", "1"),
            moved(clock, MovementKind.ISSUE, "-1", "0"),
            shortage,
        ],
    )


async def test_more_than_available_is_insufficient_stock_naming_sku_location_and_figures(
    uow: Units, clock: ManualClock, database: Database, shop: None
) -> None:
    await receive(uow, clock, "2")
    stored = (dict(database.tables), list(database.outbox))

    with pytest.raises(DomainError) as refused:
        await ledger.issue_stock(uow, clock, CLERK, "OIL-5W30", "LOC-A", Decimal(3))

    assert refusal(refused) == [("INSUFFICIENT_STOCK", "quantity")]
    assert dict(refused.value.details) == {
        "sku": "OIL-5W30",
        "locationId": "LOC-A",
        "available": "2",
        "requested": "3",
    }
    assert "Only 2 of OIL-5W30 are available at LOC-A" in refused.value.message
    assert (dict(database.tables), database.outbox) == stored


async def test_nothing_is_issued_where_nothing_was_ever_received(
    uow: Units, clock: ManualClock, database: Database, shop: None
) -> None:
    with pytest.raises(DomainError) as refused:
        await ledger.issue_stock(uow, clock, CLERK, "OIL-5W30", "LOC-B", Decimal("0.5"))
    assert refusal(refused) == [("INSUFFICIENT_STOCK", "quantity")]
    assert refused.value.details["available"] == "0"
    assert (database.tables.get("stock_levels"), database.outbox) == (None, [])


@pytest.mark.parametrize("quantity", ["0", "-1", "0.00001", "1000000000", "NaN"])
async def test_quantities_are_positive_with_four_places_at_most(
    uow: Units, clock: ManualClock, database: Database, shop: None, quantity: str
) -> None:
    with pytest.raises(DomainError) as refused:
        await receive(uow, clock, quantity)
    assert refusal(refused) == [("BAD_USER_INPUT", "quantity")]
    assert database.outbox == []


async def test_a_receipt_needs_a_unit_cost_in_cents(
    uow: Units, clock: ManualClock, shop: None
) -> None:
    for cost, expected in ((None, "unitCost"), (Decimal("1.001"), "unitCost")):
        with pytest.raises(DomainError) as refused:
            await ledger.receive_stock(uow, clock, CLERK, "OIL-5W30", "LOC-A", Decimal(1), cost)
        assert refusal(refused) == [("BAD_USER_INPUT", expected)]


async def test_unknown_parts_and_locations_are_refused_with_their_areas_codes(
    uow: Units, clock: ManualClock, shop: None
) -> None:
    with pytest.raises(DomainError) as no_part:
        await ledger.receive_stock(uow, clock, CLERK, "NOPE", "LOC-A", Decimal(1), Decimal(1))
    with pytest.raises(DomainError) as no_location:
        await ledger.receive_stock(uow, clock, CLERK, "OIL-5W30", "LOC-Z", Decimal(1), Decimal(1))
    assert refusal(no_part) == [("PART_NOT_FOUND", "sku")]
    assert refusal(no_location) == [("LOCATION_NOT_FOUND", "locationId")]


async def test_an_adjustment_needs_a_reason_and_moves_either_way_but_not_below_zero(
    uow: Units, clock: ManualClock, database: Database, shop: None
) -> None:
    await receive(uow, clock, "5")
    with pytest.raises(DomainError) as no_reason:
        await ledger.adjust_stock(uow, clock, CLERK, "OIL-5W30", "LOC-A", Decimal(-1), " ")
    with pytest.raises(DomainError) as zero:
        await ledger.adjust_stock(uow, clock, CLERK, "OIL-5W30", "LOC-A", Decimal(0), "count")
    with pytest.raises(DomainError) as below:
        await ledger.adjust_stock(uow, clock, CLERK, "OIL-5W30", "LOC-A", Decimal(-6), "count")
    assert refusal(no_reason) == [("BAD_USER_INPUT", "reason")]
    assert refusal(zero) == [("BAD_USER_INPUT", "quantity")]
    assert refusal(below) == [("INSUFFICIENT_STOCK", "quantity")]

    database.outbox.clear()
    item, movement = await ledger.adjust_stock(
        uow, clock, CLERK, "OIL-5W30", "LOC-A", Decimal("-1.5"), " damaged "
    )
    assert (item.on_hand, movement.kind, movement.reason) == (
        Decimal("3.5"),
        MovementKind.ADJUSTMENT,
        "damaged",
    )
    assert database.outbox == with_movement_ids(
        database, [moved(clock, MovementKind.ADJUSTMENT, "-1.5", "3.5", reason="damaged")]
    )


async def test_a_transfer_moves_both_legs_or_neither(
    uow: Units, clock: ManualClock, database: Database, shop: None
) -> None:
    await receive(uow, clock, "4")
    database.outbox.clear()

    source, target, out, into = await ledger.transfer_stock(
        uow, clock, CLERK, "OIL-5W30", "LOC-A", "LOC-B", Decimal(3), "TR-1"
    )

    assert (source.on_hand, target.on_hand) == (1, 3)
    assert (out.counterpart_location_id, into.counterpart_location_id) == ("LOC-B", "LOC-A")
    assert database.outbox == with_movement_ids(
        database,
        [
            moved(
                clock,
                MovementKind.TRANSFER_OUT,
                "-3",
                "1",
                reference="TR-1",
                counterpart_location_id="LOC-B",
            ),
            moved(
                clock,
                MovementKind.TRANSFER_IN,
                "3",
                "3",
                location_id="LOC-B",
                reference="TR-1",
                counterpart_location_id="LOC-A",
            ),
        ],
    )
    stored = (dict(database.tables["stock_levels"]), len(database.outbox))
    with pytest.raises(DomainError) as short:
        await ledger.transfer_stock(uow, clock, CLERK, "OIL-5W30", "LOC-A", "LOC-B", Decimal(2))
    with pytest.raises(DomainError) as same:
        await ledger.transfer_stock(uow, clock, CLERK, "OIL-5W30", "LOC-A", "LOC-A", Decimal(1))
    with pytest.raises(DomainError) as nowhere:
        await ledger.transfer_stock(uow, clock, CLERK, "OIL-5W30", "LOC-A", "LOC-Q", Decimal(1))
    assert refusal(short) == [("INSUFFICIENT_STOCK", "quantity")]
    assert refusal(same) == [("SAME_LOCATION", "toLocationId")]
    assert refusal(nowhere) == [("LOCATION_NOT_FOUND", "toLocationId")]
    assert (dict(database.tables["stock_levels"]), len(database.outbox)) == stored


async def test_a_reorder_point_takes_the_version_read_and_falling_to_it_is_a_shortage(
    uow: Units, clock: ManualClock, database: Database, shop: None
) -> None:
    [never] = await levels.stock_levels(uow, "OIL-5W30", "LOC-B")
    assert (never.on_hand, never.version) == (0, 0)
    await ledger.set_reorder_point(uow, clock, "OIL-5W30", "LOC-A", Decimal(2), 0)
    await receive(uow, clock, "5")
    with pytest.raises(DomainError) as stale:
        await ledger.set_reorder_point(uow, clock, "OIL-5W30", "LOC-A", Decimal(3), 1)
    with pytest.raises(DomainError) as negative:
        await ledger.set_reorder_point(uow, clock, "OIL-5W30", "LOC-A", Decimal(-1), 2)
    assert refusal(stale) == [("VERSION_CONFLICT", "version")]
    assert refusal(negative) == [("BAD_USER_INPUT", "reorderPoint")]

    database.outbox.clear()
    await ledger.issue_stock(uow, clock, CLERK, "OIL-5W30", "LOC-A", Decimal(2))
    assert not any(isinstance(e, StockShortageDetected) for e in database.outbox)
    item, _ = await ledger.issue_stock(uow, clock, CLERK, "OIL-5W30", "LOC-A", Decimal(1))
    assert (item.on_hand, item.reorder_point) == (2, 2)
    assert [type(e) for e in database.outbox] == [StockMoved, StockMoved, StockShortageDetected]


async def test_the_ledger_is_queried_by_sku_location_reference_and_period_newest_first(
    uow: Units, clock: ManualClock, shop: None
) -> None:
    await receive(uow, clock, "5")
    await receive(uow, clock, "2", "LOC-B")
    await ledger.issue_stock(uow, clock, CLERK, "OIL-5W30", "LOC-A", Decimal(1), "SO-7")

    everything = await levels.stock_movements(uow, PageRequest(0, 2), sku="oil-5w30")
    at_b = await levels.stock_movements(uow, PageRequest(), location_id="LOC-B")
    for_order = await levels.stock_movements(uow, PageRequest(), reference="SO-7")
    later = await levels.stock_movements(uow, PageRequest(), since=clock.now().replace(year=2027))

    assert [m.quantity for m in everything.items] == [-1, 2]
    assert (everything.has_next_page, await everything.count_total()) == (True, 3)
    assert [m.location_id for m in at_b.items] == ["LOC-B"]
    assert [m.kind for m in for_order.items] == [MovementKind.ISSUE]
    assert later.items == []
    part_levels = await levels.stock_levels(uow, "OIL-5W30", None)
    assert [(i.location_id, i.on_hand) for i in part_levels] == [("LOC-A", 4), ("LOC-B", 2)]


async def test_another_tenant_sees_none_of_the_stock(
    uow: Units, stranger: Units, clock: ManualClock, shop: None
) -> None:
    await receive(uow, clock, "5")
    with pytest.raises(DomainError) as refused:
        await levels.stock_levels(stranger, "OIL-5W30", None)
    assert refusal(refused) == [("PART_NOT_FOUND", "sku")]
    assert (await levels.stock_movements(stranger, PageRequest())).items == []


def shortage(event_id: str, sku: str, location: str, at_minute: int) -> StockShortageDetected:
    return StockShortageDetected(
        aggregate_id=f"{sku}@{location}",
        tenant_id=TENANT,
        occurred_at=datetime(2026, 2, 3, 9, at_minute, tzinfo=UTC),
        event_id=event_id,
        product_id=sku,
        sku=sku,
        location_id=location,
        on_hand=Decimal(0),
        reserved=Decimal(0),
        reorder_point=Decimal(2),
    )


async def test_shortage_alerts_are_kept_once_and_listed_newest_first_by_location_and_sku(
    uow: Units,
) -> None:
    for alert in (
        shortage("e1", "OIL-1", "LOC-A", 0),
        shortage("e1", "OIL-1", "LOC-A", 0),  # redelivered
        shortage("e2", "OIL-1", "LOC-B", 5),
        shortage("e3", "FLT-9", "LOC-A", 10),
    ):
        async with uow() as work:
            await shortages.record_shortage_alert(work, alert)
            await work.commit()

    async def ids(**wanted: object) -> list[str]:
        page = await shortages.shortage_alerts(uow, PageRequest(0, 20), **wanted)  # type: ignore[arg-type]
        assert await page.count_total() == len(page.items)
        return [a.event_id for a in page.items]

    assert await ids() == ["e3", "e2", "e1"]
    assert await ids(location_id="LOC-A") == ["e3", "e1"]
    assert await ids(sku="OIL-1") == ["e2", "e1"]
    assert await ids(since=datetime(2026, 2, 3, 9, 5, tzinfo=UTC)) == ["e3", "e2"]
