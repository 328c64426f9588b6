"""Parts used on service orders move stock, over HTTP and the real broker: the usage
issues from the order's location (its reservation first), declining gives the stock
back, the checker finds the ledger whole after, Inventory's PartsConsumedEvent replayed
consumes once, and usages racing for the last units never take stock below zero."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaProducer

from tests.conftest import Api
from tests.e2e.service_order_steps import in_progress, open_shop, read
from tests.e2e.test_service_order_inbound import CONSUMED, envelope, order_once, send
from tests.e2e.test_stock_ledger import check_inventory, numbers
from tests.e2e.test_stock_reservations import later

STOCKED = """mutation {
  createPart(input: {productId: "PART-OIL", sku: "OIL-5W30", name: "Oil", unitPrice: "9.50"}) {
    productId }
  receiveStock(input: {sku: "OIL-5W30", locationId: "LOC-001", quantity: "10",
                       unitCost: "4.00"}) { level { onHand } }
}"""
PARTS = """workorderPartId declined issuedQuantity stockShortfall
  movement { kind quantity reference onHandAfter }
  returnMovement { kind quantity reference onHandAfter }"""
USE = f"""mutation($id: ID!, $parts: [PartUsageInput!]!, $version: Int!) {{
  recordPartsUsage(serviceOrderId: $id, parts: $parts, version: $version) {{
    version parts {{ {PARTS} }} }} }}"""
DECLINE = f"""mutation($id: ID!, $part: ID!, $version: Int!) {{
  declinePartUsage(serviceOrderId: $id, workorderPartId: $part, version: $version) {{
    version parts {{ {PARTS} }} }} }}"""
RESERVE = """mutation($ref: String!, $until: DateTime!) {
  reserveStock(input: {sku: "OIL-5W30", locationId: "LOC-001", quantity: "2",
                       referenceType: SERVICE_ORDER, referenceId: $ref, expiresAt: $until}) {
    reservation { reservationId } } }"""
STOCK = """query($ref: String) {
  stockLevels(sku: "OIL-5W30", locationId: "LOC-001") { onHand reserved available }
  reservations(sku: "OIL-5W30") { items { status consumedQuantity } }
  stockMovements(sku: "OIL-5W30", reference: $ref) { items { kind quantity } }
}"""
PARTS_OF = f"query($id: ID!) {{ serviceOrder(id: $id) {{ version parts {{ {PARTS} }} }} }}"


def oil(quantity: str, **fields: Any) -> dict[str, Any]:
    return {
        "productId": "PART-OIL",
        "sku": "OIL-5W30",
        "quantity": quantity,
        "unitPrice": "9.50",
    } | fields


async def stock(api: Api, reference: str | None = None) -> dict[str, Any]:
    return numbers(await api.data(STOCK, {"ref": reference}))


async def test_usage_takes_stock_and_declining_gives_it_back(
    api: Api, database_url: str, tmp_path: Path
) -> None:
    shop = await open_shop(api)
    await api.data(STOCKED)
    order_id = await in_progress(api, shop)
    await api.data(RESERVE, {"ref": order_id, "until": later(days=1)})

    used = (await api.data(USE, await read(api, {"id": order_id, "parts": [oil("3")]})))[
        "recordPartsUsage"
    ]

    [part] = numbers(used["parts"])
    assert part["issuedQuantity"] == 3 and part["stockShortfall"] == 0
    assert part["movement"] == {
        "kind": "CONSUMPTION",
        "quantity": -3,
        "reference": order_id,
        "onHandAfter": 7,
    }
    after = await stock(api)
    assert after["stockLevels"] == [{"onHand": 7, "reserved": 0, "available": 7}]
    assert after["reservations"]["items"] == [{"status": "CONSUMED", "consumedQuantity": 2}]

    declined = (
        await api.data(
            DECLINE,
            {"id": order_id, "part": part["workorderPartId"], "version": used["version"]},
        )
    )["declinePartUsage"]

    [part] = numbers(declined["parts"])
    assert part["declined"] is True
    assert part["returnMovement"] == {
        "kind": "RETURN",
        "quantity": 3,
        "reference": order_id,
        "onHandAfter": 10,
    }
    ledger = await stock(api, order_id)
    assert ledger["stockLevels"] == [{"onHand": 10, "reserved": 0, "available": 10}]
    assert ledger["stockMovements"]["items"] == [
        {"kind": "RETURN", "quantity": 3},
        {"kind": "CONSUMPTION", "quantity": -3},
    ]
    again = await api(
        DECLINE, {"id": order_id, "part": part["workorderPartId"], "version": declined["version"]}
    )
    assert again["errors"][0]["extensions"]["code"] == "PART_ALREADY_DECLINED"
    checked = check_inventory(database_url, api.tenant, tmp_path)
    assert (checked.returncode, checked.stdout) == (0, "")


async def test_a_replayed_parts_consumed_event_consumes_once(
    api: Api, producer: AIOKafkaProducer, database_url: str, tmp_path: Path
) -> None:
    shop = await open_shop(api)
    await api.data(STOCKED)
    order_id = await in_progress(api, shop)
    line = {"workorderPartId": "WOP-INV-1", **oil("2")}
    first = envelope(CONSUMED, api.tenant, {"serviceOrderId": order_id, "parts": [line]})
    resent = {**first, "eventId": str(uuid.uuid4())}
    last = envelope(
        CONSUMED,
        api.tenant,
        {"serviceOrderId": order_id, "parts": [{**line, "workorderPartId": "WOP-INV-2"}]},
    )
    for event in (first, first, resent, last):
        await send(producer, CONSUMED, event)

    # One key, one partition: once the last event shows, the others have had their turn.
    await order_once(api, order_id, lambda o: len(o["parts"]) >= 2)

    parts = numbers((await api.data(PARTS_OF, {"id": order_id}))["serviceOrder"]["parts"])
    assert [(p["workorderPartId"], p["issuedQuantity"]) for p in parts] == [
        ("WOP-INV-1", 2),
        ("WOP-INV-2", 2),
    ]
    ledger = await stock(api, order_id)
    assert ledger["stockLevels"] == [{"onHand": 6, "reserved": 0, "available": 6}]
    assert ledger["stockMovements"]["items"] == [
        {"kind": "CONSUMPTION", "quantity": -2},
        {"kind": "CONSUMPTION", "quantity": -2},
    ]
    checked = check_inventory(database_url, api.tenant, tmp_path)
    assert (checked.returncode, checked.stdout) == (0, "")


async def test_usages_racing_for_the_last_units_never_take_stock_below_zero(
    api: Api, database_url: str, tmp_path: Path
) -> None:
    shop = await open_shop(api)
    await api.data(STOCKED)
    orders = [await in_progress(api, shop) for _ in range(20)]

    answers = await asyncio.gather(
        *(api(USE, {"id": order_id, "parts": [oil("1")], "version": 4}) for order_id in orders)
    )

    assert [a.get("errors") for a in answers] == [None] * 20, "usage is fail-open"
    issued = [numbers(a["data"]["recordPartsUsage"]["parts"][0]) for a in answers]
    assert (
        sorted((p["issuedQuantity"], p["stockShortfall"]) for p in issued)
        == [(0, 1)] * 10 + [(1, 0)] * 10
    )
    assert (await stock(api))["stockLevels"] == [{"onHand": 0, "reserved": 0, "available": 0}]
    checked = check_inventory(database_url, api.tenant, tmp_path)
    assert (checked.returncode, checked.stdout) == (0, "")
