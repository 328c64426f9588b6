"""Reservations over HTTP: reserve, release and consume with the levels they leave, the
reservations query and StockLevel.reservations, permissions and tenancy, the sweeper
expiring what is due at its clock's instant, and the overselling races (the checker
finds nothing after each)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.clock import ManualClock
from domain.identity import Permission
from gateway.reservation_sweeper import ReservationSweeper
from persistence.database import create_engine
from tests.conftest import Api, RunningGateway, token
from tests.e2e.test_dataloaders import StatementLog
from tests.e2e.test_stock_ledger import ISSUE, RECEIVE, check_inventory, numbers, open_shop
from tests.graphql_ws import Subscriber

RESERVE = """mutation($q: Decimal!, $until: DateTime!, $ref: String!) {
  reserveStock(input: {sku: "oil-1", locationId: "LOC-A", quantity: $q,
                       referenceType: SERVICE_ORDER, referenceId: $ref, expiresAt: $until}) {
    reservation { reservationId status quantity referenceType referenceId reservedBy }
    level { onHand reserved available }
  }
}"""
RELEASE = """mutation($id: ID!) {
  releaseReservation(reservationId: $id) {
    reservation { status endedBy } level { onHand reserved available }
  }
}"""
CONSUME = """mutation($id: ID!, $q: Decimal) {
  consumeReservation(input: {reservationId: $id, quantity: $q}) {
    reservation { status consumedQuantity }
    level { onHand reserved available }
    movement { kind quantity reference }
  }
}"""
READ = """query($status: ReservationStatus) {
  reservations(sku: "OIL-1", status: $status) {
    items { reservationId status } totalCount
  }
  stockLevels(sku: "OIL-1", locationId: "LOC-A") {
    reserved reservations { reservationId quantity }
  }
}"""


def later(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).isoformat()


async def reserve(api: Api, quantity: str, ref: str = "SO-1", **until: float) -> dict:
    return await api(RESERVE, {"q": quantity, "until": later(**(until or {"days": 1})), "ref": ref})


async def test_reserve_release_consume_over_http_and_the_graph_shows_them(api: Api) -> None:
    await open_shop(api)
    await api.data(RECEIVE, {"q": "10"})

    first = numbers((await reserve(api, "4"))["data"]["reserveStock"])
    assert first["reservation"].pop("reservedBy")
    assert first["reservation"] == {
        "reservationId": "RES-001",
        "status": "ACTIVE",
        "quantity": 4,
        "referenceType": "SERVICE_ORDER",
        "referenceId": "SO-1",
    }
    assert first["level"] == {"onHand": 10, "reserved": 4, "available": 6}
    await reserve(api, "3")

    released = numbers((await api.data(RELEASE, {"id": "RES-002"}))["releaseReservation"])
    assert released["reservation"]["status"] == "RELEASED"
    assert released["level"] == {"onHand": 10, "reserved": 4, "available": 6}
    consumed = numbers((await api.data(CONSUME, {"id": "RES-001", "q": "3"}))["consumeReservation"])
    assert consumed == {
        "reservation": {"status": "CONSUMED", "consumedQuantity": 3},
        "level": {"onHand": 7, "reserved": 0, "available": 7},
        "movement": {"kind": "CONSUMPTION", "quantity": -3, "reference": "SO-1"},
    }
    assert await api.error_codes(RELEASE, {"id": "RES-001"}) == ["RESERVATION_NOT_ACTIVE"]
    assert await api.error_codes(RELEASE, {"id": "RES-404"}) == ["RESERVATION_NOT_FOUND"]
    assert await api.error_codes(RESERVE, {"q": "1", "until": later(days=91), "ref": "SO-1"}) == [
        "BAD_USER_INPUT"
    ]

    await reserve(api, "2")  # RES-004: the refused one above took RES-003 (a gap)
    read = numbers(await api.data(READ, {"status": None}))
    assert read["reservations"]["totalCount"] == 3
    assert [r["status"] for r in read["reservations"]["items"]] == [
        "ACTIVE",
        "RELEASED",
        "CONSUMED",
    ]
    assert read["stockLevels"] == [
        {"reserved": 2, "reservations": [{"reservationId": "RES-004", "quantity": 2}]}
    ]


async def test_permissions_and_tenancy(api: Api) -> None:
    await open_shop(api)
    await api.data(RECEIVE, {"q": "5"})
    reader = api.as_tenant(api.tenant, [Permission.INVENTORY_READ])
    assert await reader.error_codes(RESERVE, {"q": "1", "until": later(days=1), "ref": "SO-1"}) == [
        "FORBIDDEN"
    ]
    await reserve(api, "1")
    assert (await reader.data(READ, {"status": "ACTIVE"}))["reservations"]["totalCount"] == 1
    writer = api.as_tenant(api.tenant, [Permission.INVENTORY_WRITE])
    assert await writer.error_codes(READ, {"status": None}) == ["FORBIDDEN"]
    stranger = api.as_tenant(f"{api.tenant}-other")
    assert await stranger.error_codes(RELEASE, {"id": "RES-001"}) == ["RESERVATION_NOT_FOUND"]


async def test_the_sweeper_expires_what_is_due_at_its_instant(
    api: Api, engine: AsyncEngine
) -> None:
    await open_shop(api)
    await api.data(RECEIVE, {"q": "5"})
    await reserve(api, "2", hours=1)
    await reserve(api, "1", days=2)
    sweeper = ReservationSweeper(
        engine, ManualClock(datetime.now(UTC) + timedelta(hours=2)), interval_seconds=1
    )

    await sweeper.sweep()
    await asyncio.gather(sweeper.sweep(), sweeper.sweep())

    expired = numbers(await api.data(READ, {"status": "EXPIRED"}))
    assert [r["reservationId"] for r in expired["reservations"]["items"]] == ["RES-001"]
    assert expired["stockLevels"][0]["reserved"] == 1
    active = await api.data(READ, {"status": "ACTIVE"})
    assert [r["reservationId"] for r in active["reservations"]["items"]] == ["RES-002"]


class StockStatements(StatementLog):
    """Statements of the request that read or write parts, locations, stock levels or
    reservations (the unit's BEGIN, outbox INSERT and COMMIT are not told apart from
    the background tasks' and come on top)."""

    TABLES = ("parts", "locations", "stock_levels", "stock_reservations")

    def __call__(self, logged: Any) -> None:
        if any(f" {table} " in f"{logged.query} " for table in self.TABLES):
            self.statements.append(logged.query)


@pytest.fixture
def stock_statements(gateway: RunningGateway) -> Iterator[StockStatements]:
    pool = gateway.app.state.engine.sync_engine.pool
    log = StockStatements()
    event.listen(pool, "checkout", log.watch)
    yield log
    event.remove(pool, "checkout", log.watch)
    for driver_connection in log.watched:
        driver_connection.remove_query_logger(log)


async def test_a_reservation_of_stocked_stock_is_two_statements_and_no_transaction(
    api: Api, stock_statements: StockStatements, engine: AsyncEngine
) -> None:
    """The hot path (docs/inventory.md, "Reservations"): one statement takes the number
    and reads the level, a second writes the level, the reservation and its event, with
    no BEGIN or COMMIT around them, whether the level held reservations or not; a level
    holding one that is due goes the general way, which expires it first."""
    await open_shop(api)
    await api.data(RECEIVE, {"q": "10"})
    stock_statements.statements.clear()
    first = numbers((await reserve(api, "4"))["data"]["reserveStock"])
    assert first["level"] == {"onHand": 10, "reserved": 4, "available": 6}
    assert len(stock_statements.statements) == 2, stock_statements.statements
    stock_statements.statements.clear()
    second = numbers((await reserve(api, "2"))["data"]["reserveStock"])
    assert second["level"] == {"onHand": 10, "reserved": 6, "available": 4}
    assert len(stock_statements.statements) == 2, stock_statements.statements
    assert not [s for s in stock_statements.statements if s.strip() in {"BEGIN", "COMMIT"}]
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "UPDATE stock_reservations SET expires_at = now() - interval '1 minute' "
                "WHERE tenant_id = :tenant AND id = :id"
            ),
            {"tenant": api.tenant, "id": first["reservation"]["reservationId"]},
        )
    third = numbers((await reserve(api, "1"))["data"]["reserveStock"])
    assert third["level"] == {"onHand": 10, "reserved": 3, "available": 7}
    ids = [r["reservation"]["reservationId"] for r in (first, second, third)]
    assert ids == ["RES-001", "RES-002", "RES-003"]


async def test_fifty_clients_reserving_the_last_ten_units_get_exactly_ten(
    api: Api, database_url: str, tmp_path: Path
) -> None:
    await open_shop(api)
    await api.data(RECEIVE, {"q": "10"})

    answers = await asyncio.gather(*(reserve(api, "1", f"SO-{n}") for n in range(50)))

    held = [a for a in answers if "errors" not in a]
    refused = [a["errors"][0]["extensions"] for a in answers if "errors" in a]
    assert (len(held), len(refused)) == (10, 40)
    assert {(e["code"], e["available"], e["requested"]) for e in refused} == {
        ("INSUFFICIENT_STOCK", "0", "1")
    }
    level = numbers(await api.data(READ, {"status": "ACTIVE"}))
    assert level["reservations"]["totalCount"] == 10
    assert level["stockLevels"][0]["reserved"] == 10
    checked = check_inventory(database_url, api.tenant, tmp_path)
    assert (checked.returncode, checked.stdout) == (0, "")


async def test_fifty_clients_mixing_reservations_and_issues_never_exceed_on_hand(
    api: Api, database_url: str, tmp_path: Path
) -> None:
    await open_shop(api)
    await api.data(RECEIVE, {"q": "10"})

    answers = await asyncio.gather(
        *(reserve(api, "1", f"SO-{n}") if n % 2 else api(ISSUE) for n in range(50))
    )

    succeeded = [a for a in answers if "errors" not in a]
    refused = {a["errors"][0]["extensions"]["code"] for a in answers if "errors" in a}
    assert (len(succeeded), refused) == (10, {"INSUFFICIENT_STOCK"})
    [level] = numbers(
        (await api.data('{ stockLevels(sku: "OIL-1", locationId: "LOC-A") { onHand reserved } }'))[
            "stockLevels"
        ]
    )
    issued = sum(1 for a in succeeded if "issueStock" in a["data"])
    assert level == {"onHand": 10 - issued, "reserved": 10 - issued}
    checked = check_inventory(database_url, api.tenant, tmp_path)
    assert (checked.returncode, checked.stdout) == (0, "")


async def test_the_checker_reports_reserved_that_disagrees_with_the_active_reservations(
    fresh_database_url: str, tmp_path: Path
) -> None:
    engine = create_engine(fresh_database_url, pool_size=1)
    try:
        async with engine.begin() as connection:
            for statement in (
                "INSERT INTO parts (tenant_id, id, sku, name, unit_price) "
                "VALUES ('t1', 'P1', 'SKU-1', 'Part', 1)",
                "INSERT INTO locations (tenant_id, id, name) VALUES ('t1', 'L1', 'Shop')",
                "INSERT INTO stock_levels (tenant_id, product_id, location_id, sku, on_hand, "
                "reserved) VALUES ('t1', 'P1', 'L1', 'SKU-1', 3, 2)",
                "INSERT INTO stock_movements (tenant_id, id, product_id, location_id, kind, "
                "quantity, on_hand_after, recorded_by, occurred_at) "
                "VALUES ('t1', 'M1', 'P1', 'L1', 'RECEIPT', 3, 3, 'x', now())",
                "INSERT INTO stock_reservations (tenant_id, id, product_id, location_id, "
                "quantity, reference_type, reference_id, expires_at, status, reserved_by, "
                "reserved_at) VALUES ('t1', 'RES-1', 'P1', 'L1', 1, 'OTHER', 'x', "
                "now() + interval '1 day', 'ACTIVE', 'x', now())",
            ):
                await connection.execute(text(statement))
    finally:
        await engine.dispose()

    checked = check_inventory(fresh_database_url, "t1", tmp_path)

    assert checked.returncode == 1
    assert checked.stdout == (
        "tenant t1: SKU-1 (P1) at L1: reserved 2.0000 but its active reservations sum to 1.0000\n"
    )


WATCH_EVENTS = """subscription($types: [String!]) {
  domainEvents(types: $types) { eventType aggregateType aggregateId payload } }"""


async def test_a_reservation_made_in_two_statements_publishes_its_event(
    api: Api, gateway: RunningGateway
) -> None:
    """The event the reservation recorded reaches the outbox, the relay and a dashboard in
    the same statement as the reservation, as the general path's commit writes it."""
    await open_shop(api)
    await api.data(RECEIVE, {"q": "10"})
    subscriber = await Subscriber(gateway.url, token(api.tenant)).connect()
    try:
        await subscriber.acknowledged()
        await subscriber.subscribe(WATCH_EVENTS, {"types": ["StockReserved"]})
        await gateway.subscribed(api.tenant, 1)
        made = numbers((await reserve(api, "4", "SO-9/1"))["data"]["reserveStock"])
        event = (await subscriber.next_data())["domainEvents"]
    finally:
        await subscriber.close()
    assert event["payload"] == {
        "productId": "PART-1",
        "sku": "OIL-1",
        "locationId": "LOC-A",
        "reservationId": "RES-001",
        "quantity": "4",
        "referenceType": "SERVICE_ORDER",
        "referenceId": "SO-9/1",
        "onHand": "10.0000",
        "reserved": "4.0000",
        "expiresAt": event["payload"]["expiresAt"],
        "reservedBy": "user-1",
    }
    assert made["reservation"]["reservationId"] == "RES-001"
    assert event.pop("payload").pop("expiresAt")
    assert event == {
        "eventType": "com.durion.inventory.stock_reserved",
        "aggregateType": "stock_item",
        "aggregateId": "PART-1@LOC-A",
    }
