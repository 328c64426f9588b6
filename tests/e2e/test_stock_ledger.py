"""The stock ledger over HTTP: each mutation's happy path, its permissions and tenancy,
the overselling race, the checker, and the shortage alert on Kafka."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.identity import Permission
from persistence.database import create_engine
from tests.conftest import Api, RunningGateway, Services, token
from tests.e2e.test_dataloaders import StatementLog
from tests.e2e.test_service_order_events import records_of
from tests.graphql_ws import Subscriber

SHOP = """
mutation($part: CreatePartInput!, $a: CreateLocationInput!, $b: CreateLocationInput!) {
  createPart(input: $part) { productId }
  a: createLocation(input: $a) { locationId }
  b: createLocation(input: $b) { locationId }
}"""
RECEIVE = """mutation($q: Decimal!) {
  receiveStock(input: {sku: "oil-1", locationId: "LOC-A", quantity: $q, unitCost: "4.50",
               reference: "PO-1"}) {
    movement { kind quantity onHandAfter sku } level { onHand available version }
  }
}"""
ISSUE = """mutation {
  issueStock(input: {sku: "OIL-1", locationId: "LOC-A", quantity: "1", reference: "SO-1"}) {
    level { onHand }
  }
}"""
TRANSFER = """mutation($q: Decimal!) {
  transferStock(input: {sku: "OIL-1", fromLocationId: "LOC-A", toLocationId: "LOC-B",
                        quantity: $q}) {
    out { kind quantity } into { kind quantity } source { onHand } target { onHand }
  }
}"""
ADJUST = """mutation {
  adjustStock(input: {sku: "OIL-1", locationId: "LOC-A", quantity: "-1", reason: "damaged"}) {
    movement { kind quantity reason } level { onHand }
  }
}"""
REORDER = """mutation($v: Int!) {
  setReorderPoint(input: {sku: "OIL-1", locationId: "LOC-B", reorderPoint: "2",
                          version: $v}) {
    reorderPoint version
  }
}"""
LEVELS = """{ stockLevels(sku: "OIL-1") { locationId onHand reserved available }
  stockMovements(sku: "OIL-1", pageSize: 3) { items { kind quantity } totalCount } }"""
GRAPH = """{ searchParts(query: "oil") { items { sku stock { locationId onHand } } } }"""
LOCATION_STOCK = """{ a: location(id: "LOC-A") { stock(pageSize: 1) { sku onHand } }
  b: location(id: "LOC-B") { stock(pageSize: 1) { sku onHand } }
  next: location(id: "LOC-B") { stock(pageSize: 1, pageIndex: 1) { sku onHand } } }"""


def numbers(value: Any) -> Any:
    """`value` with the Decimal scalar's strings read as numbers ("10.0000" is 10)."""
    if isinstance(value, dict):
        return {k: numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [numbers(v) for v in value]
    if isinstance(value, str) and value.lstrip("-").replace(".", "", 1).isdigit():
        return Decimal(value)
    return value


async def open_shop(api: Api) -> None:
    await api.data(
        SHOP,
        {
            "part": {"productId": "PART-1", "sku": "OIL-1", "name": "Oil", "unitPrice": "9.00"},
            "a": {"locationId": "LOC-A", "name": "Main"},
            "b": {"locationId": "LOC-B", "name": "North"},
        },
    )


async def test_each_stock_mutation_over_http_and_the_graph_shows_the_levels(api: Api) -> None:
    await open_shop(api)
    received = numbers((await api.data(RECEIVE, {"q": "10"}))["receiveStock"])
    assert received == {
        "movement": {"kind": "RECEIPT", "quantity": 10, "onHandAfter": 10, "sku": "OIL-1"},
        "level": {"onHand": 10, "available": 10, "version": 1},
    }
    assert numbers((await api.data(ISSUE))["issueStock"]["level"]) == {"onHand": 9}
    moved = numbers((await api.data(TRANSFER, {"q": "4"}))["transferStock"])
    assert moved == {
        "out": {"kind": "TRANSFER_OUT", "quantity": -4},
        "into": {"kind": "TRANSFER_IN", "quantity": 4},
        "source": {"onHand": 5},
        "target": {"onHand": 4},
    }
    assert numbers((await api.data(ADJUST))["adjustStock"]["level"]) == {"onHand": 4}
    assert numbers((await api.data(REORDER, {"v": 1}))["setReorderPoint"]) == {
        "reorderPoint": 2,
        "version": 2,
    }
    read = numbers(await api.data(LEVELS))
    assert read["stockLevels"] == [
        {"locationId": "LOC-A", "onHand": 4, "reserved": 0, "available": 4},
        {"locationId": "LOC-B", "onHand": 4, "reserved": 0, "available": 4},
    ]
    assert read["stockMovements"]["totalCount"] == 5
    assert [m["kind"] for m in read["stockMovements"]["items"]] == [
        "ADJUSTMENT",
        "TRANSFER_IN",
        "TRANSFER_OUT",
    ]
    [part] = numbers((await api.data(GRAPH))["searchParts"]["items"])
    assert part["stock"] == [
        {"locationId": "LOC-A", "onHand": 4},
        {"locationId": "LOC-B", "onHand": 4},
    ]
    at_locations = numbers(await api.data(LOCATION_STOCK))
    assert at_locations == {
        "a": {"stock": [{"sku": "OIL-1", "onHand": 4}]},
        "b": {"stock": [{"sku": "OIL-1", "onHand": 4}]},
        "next": {"stock": []},
    }


LINKED_MOVEMENTS = """query($size: Int) { stockMovements(sku: "OIL-1", pageSize: $size) {
  items { kind part { sku name } location { name } counterpartLocation { name } } } }"""


async def test_stock_records_lead_to_their_part_and_locations_in_statements_flat_with_size(
    api: Api, gateway: RunningGateway
) -> None:
    await open_shop(api)
    await api.data(RECEIVE, {"q": "60"})
    for _ in range(50):
        await api.data(TRANSFER, {"q": "1"})
    log = PartsAndLocations()
    pool = gateway.app.state.engine.sync_engine.pool
    event.listen(pool, "checkout", log.watch)
    try:
        counts = {}
        for size in (1, 10, 100):
            log.statements.clear()
            found = (await api.data(LINKED_MOVEMENTS, {"size": size}))["stockMovements"]["items"]
            assert len(found) == size
            assert {m["part"]["sku"] for m in found} == {"OIL-1"}
            sides = {"TRANSFER_OUT": ("Main", "North"), "TRANSFER_IN": ("North", "Main")}
            assert all(
                (m["location"]["name"], m["counterpartLocation"]["name"]) == sides[m["kind"]]
                for m in found
            )
            counts[size] = len(log.statements)
    finally:
        event.remove(pool, "checkout", log.watch)
        for driver_connection in log.watched:
            driver_connection.remove_query_logger(log)
    # The SKU's part (the query's filter), then one statement of parts and one of
    # locations (a movement's and its counterpart's together) for the whole page.
    assert counts == {1: 3, 10: 3, 100: 3}
    level = """{ stockLevels(sku: "OIL-1") { location { locationId } part { sku }
      reservations { part { sku } } } }"""
    no_catalog = api.as_tenant(api.tenant, [Permission.INVENTORY_READ, Permission.LOCATION_READ])
    body = await no_catalog(level)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN", "FORBIDDEN"]
    assert [(lv["location"], lv["part"]) for lv in body["data"]["stockLevels"]] == [
        ({"locationId": "LOC-A"}, None),
        ({"locationId": "LOC-B"}, None),
    ]


class PartsAndLocations(StatementLog):
    def __call__(self, logged: Any) -> None:
        if "FROM parts" in logged.query or "FROM locations" in logged.query:
            self.statements.append(logged.query)


async def test_adjusting_needs_its_own_permission_and_tenants_see_only_their_stock(
    api: Api,
) -> None:
    await open_shop(api)
    await api.data(RECEIVE, {"q": "3"})
    writer = api.as_tenant(api.tenant, [Permission.INVENTORY_WRITE, Permission.INVENTORY_READ])
    assert await writer.error_codes(ADJUST) == ["FORBIDDEN"]
    assert numbers((await writer.data(ISSUE))["issueStock"]["level"]) == {"onHand": 2}
    stranger = api.as_tenant(f"{api.tenant}-other")
    assert await stranger.error_codes(ISSUE) == ["PART_NOT_FOUND"]


async def test_fifty_clients_racing_for_ten_units_get_exactly_ten_and_the_ledger_agrees(
    api: Api, database_url: str, services: Services, tmp_path: Path
) -> None:
    await open_shop(api)
    await api.data(RECEIVE, {"q": "12"})
    await api.data(TRANSFER, {"q": "2"})

    async def one_issue() -> dict:
        return await api(ISSUE)

    answers = await asyncio.gather(*(one_issue() for _ in range(50)), api(TRANSFER, {"q": "1"}))
    issues, transfer = answers[:50], answers[50]
    succeeded = [a for a in issues if "errors" not in a]
    refused = [a["errors"][0]["extensions"] for a in issues if "errors" in a]
    moved_by_transfer = 0 if "errors" in transfer else 1
    assert len(succeeded) + moved_by_transfer == 10
    assert {e["code"] for e in refused} == {"INSUFFICIENT_STOCK"}
    assert {(e["sku"], e["locationId"], e["available"], e["requested"]) for e in refused} == {
        ("OIL-1", "LOC-A", "0", "1")
    }
    [a_level] = (await api.data('{ stockLevels(sku: "OIL-1", locationId: "LOC-A") { onHand } }'))[
        "stockLevels"
    ]
    assert numbers(a_level) == {"onHand": 0}

    checked = check_inventory(database_url, api.tenant, tmp_path)
    assert (checked.returncode, checked.stdout) == (0, "")
    alerts = (await records_of(services, api.tenant, {"inventory.stock.shortage_alert": 1}))[
        "inventory.stock.shortage_alert"
    ]
    assert [(a["type"], a["data"]["sku"], a["data"]["onHand"]) for a in alerts] == [
        ("com.durion.inventory.stock_shortage_alert", "OIL-1", 0)
    ]


def check_inventory(url: str, tenant: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", "check-inventory", "--tenant", tenant],
        cwd=cwd,
        env={
            "DATABASE_URL": url,
            "LOG_LEVEL": "WARNING",
            "PATH": "/usr/bin:/bin",
            **{k: v for k, v in __import__("os").environ.items() if k == "PYTHONPATH"},
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_the_checker_reports_a_level_that_disagrees_with_its_ledger(
    fresh_database_url: str, tmp_path: Path
) -> None:
    engine: AsyncEngine = create_engine(fresh_database_url, pool_size=1)
    try:
        async with engine.begin() as connection:
            for statement in (
                "INSERT INTO parts (tenant_id, id, sku, name, unit_price) "
                "VALUES ('t1', 'P1', 'SKU-1', 'Part', 1)",
                "INSERT INTO locations (tenant_id, id, name) VALUES ('t1', 'L1', 'Shop')",
                "INSERT INTO stock_levels (tenant_id, product_id, location_id, sku, on_hand) "
                "VALUES ('t1', 'P1', 'L1', 'SKU-1', 5)",
                "INSERT INTO stock_movements (tenant_id, id, product_id, location_id, kind, "
                "quantity, on_hand_after, recorded_by, occurred_at) "
                "VALUES ('t1', 'M1', 'P1', 'L1', 'RECEIPT', 3, 3, 'x', now())",
            ):
                await connection.execute(text(statement))
    finally:
        await engine.dispose()

    checked = check_inventory(fresh_database_url, "t1", tmp_path)

    assert checked.returncode == 1
    assert (
        checked.stdout
        == "tenant t1: SKU-1 (P1) at L1: on hand 5.0000 but its movements sum to 3.0000\n"
    )


async def test_the_database_refuses_to_change_or_delete_a_movement(
    api: Api, engine: AsyncEngine
) -> None:
    await open_shop(api)
    await api.data(RECEIVE, {"q": "10"})
    for statement in (
        "UPDATE stock_movements SET quantity = 1000 WHERE tenant_id = :t",
        "DELETE FROM stock_movements WHERE tenant_id = :t",
    ):
        with pytest.raises(DBAPIError, match="stock movements are immutable"):
            async with engine.begin() as connection:
                await connection.execute(text(statement), {"t": api.tenant})
    levels = numbers((await api.data(LEVELS))["stockMovements"])
    assert levels["totalCount"] == 1
    assert levels["items"] == [{"kind": "RECEIPT", "quantity": Decimal(10)}]


WATCH_STOCK = """subscription($at: ID, $sku: String) {
  stockLevelChanged(locationId: $at, sku: $sku) {
    eventId sku locationId kind quantity onHand available changedAt
  }
}"""


async def test_a_stock_screen_follows_its_locations_levels_live(
    api: Api, gateway: RunningGateway
) -> None:
    await open_shop(api)
    main = await Subscriber(gateway.url, token(api.tenant)).connect()
    north = await Subscriber(gateway.url, token(api.tenant)).connect()
    try:
        for watcher, at in ((main, "LOC-A"), (north, "LOC-B")):
            await watcher.acknowledged()
            await watcher.subscribe(WATCH_STOCK, {"at": at, "sku": "oil-1"})
        await gateway.subscribed(api.tenant, 2)
        await api.data(RECEIVE, {"q": "10"})
        await api.data(TRANSFER, {"q": "4"})
        here = [(await main.next_data())["stockLevelChanged"] for _ in range(2)]
        there = (await north.next_data())["stockLevelChanged"]
    finally:
        await main.close()
        await north.close()
    assert [(e["kind"], numbers(e["onHand"])) for e in here] == [
        ("RECEIPT", 10),
        ("TRANSFER_OUT", 6),
    ]
    # LOC-B's screen saw nothing of LOC-A's receipt: its first event is its own leg.
    assert (there["kind"], there["locationId"], numbers(there["onHand"])) == (
        "TRANSFER_IN",
        "LOC-B",
        4,
    )
    assert {e["sku"] for e in [*here, there]} == {"OIL-1"}


ALERTS = """query($sku: String) { stockShortageAlerts(sku: $sku) {
  items { eventId sku locationId onHand reorderPoint shortfall reference } totalCount } }"""


async def alerts_once(api: Api, sku: str, count: int) -> dict[str, Any]:
    async with asyncio.timeout(30):
        while True:
            found = (await api.data(ALERTS, {"sku": sku}))["stockShortageAlerts"]
            # the page and its count are read apart: an alert kept between them is in one
            if len(found["items"]) >= count and found["totalCount"] == len(found["items"]):
                return found
            await asyncio.sleep(0.1)


async def test_shortage_alerts_are_kept_once_and_listed_ours_and_inventorys(
    api: Api, producer: AIOKafkaProducer
) -> None:
    await open_shop(api)
    await api.data(RECEIVE, {"q": "3"})
    await api.data(
        'mutation { setReorderPoint(input: {sku: "OIL-1", locationId: "LOC-A", '
        'reorderPoint: "2", version: 1}) { reorderPoint } }'
    )
    await api.data(ISSUE)
    ours = await alerts_once(api, "OIL-1", 1)
    [alert] = ours["items"]
    assert numbers({k: v for k, v in alert.items() if k != "eventId"}) == {
        "sku": "OIL-1",
        "locationId": "LOC-A",
        "onHand": 2,
        "reorderPoint": 2,
        "shortfall": None,
        "reference": None,
    }

    theirs = {
        "specversion": "1.0",
        "type": "com.durion.inventory.stock_shortage_alert",
        "source": "https://durion.platform/inventory",
        "id": "evt-inv-shortage-1",
        "time": "2026-02-03T09:30:00Z",
        "subject": "PROD-FILTER@LOC-A",
        "tenantid": api.tenant,
        "datacontenttype": "application/json",
        "data": {
            "productId": "PROD-FILTER",
            "sku": "FLT-9",
            "locationId": "LOC-A",
            "onHand": 0,
            "reserved": 0,
            "availableQuantity": 0,
            "reorderPoint": 4,
            "detectedAt": "2026-02-03T09:30:00Z",
        },
    }
    later = {**theirs, "id": "evt-inv-shortage-2", "time": "2026-02-03T10:00:00Z"}
    for record in (theirs, theirs, later):  # the redelivery is kept once
        await producer.send_and_wait(
            "inventory.stock.shortage_alert", json.dumps(record).encode(), key=b"PROD-FILTER"
        )
    listed = await alerts_once(api, "FLT-9", 2)
    assert [(a["eventId"], numbers(a["reorderPoint"])) for a in listed["items"]] == [
        ("evt-inv-shortage-2", 4),
        ("evt-inv-shortage-1", 4),
    ]
    assert listed["totalCount"] == 2
