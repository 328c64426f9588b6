"""Backorders over HTTP: a receipt fills pending backorders strictly by priority then
age, each reserving what it takes (the checker finds nothing); processBackorders by
hand; the events on the sales.backorder topics."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Api, RunningGateway, Services, token
from tests.e2e.test_sales_orders import open_sales
from tests.e2e.test_service_order_events import records_of
from tests.e2e.test_stock_ledger import RECEIVE, check_inventory, numbers
from tests.graphql_ws import Subscriber

BACKORDER = """mutation($q: Decimal!, $p: BackorderPriority!) {
  createBackorder(input: {customerId: "CUST-1", sku: "OIL-1", locationId: "LOC-A",
                          quantity: $q, priority: $p}) { backorderId status }
}"""
ISSUE_ALL = """mutation {
  issueStock(input: {sku: "OIL-1", locationId: "LOC-A", quantity: "10"}) { level { onHand } }
}"""
PROCESS = """mutation { processBackorders(sku: "OIL-1") {
  fulfilledBackorders { backorderId reservationId }
  stillPendingBackorders { backorderId } } }"""
READ = """{ backorders(status: PENDING) { items { backorderId priority } totalCount }
  stockLevels(sku: "OIL-1", locationId: "LOC-A") { onHand reserved } }"""


async def test_a_receipt_fills_backorders_strictly_by_priority_then_age(
    api: Api, services: Services, database_url: str, tmp_path: Path
) -> None:
    await open_sales(api)
    await api.data(ISSUE_ALL)
    for quantity, priority in (("2", "LOW"), ("3", "HIGH"), ("4", "URGENT"), ("1", "HIGH")):
        await api.data(BACKORDER, {"q": quantity, "p": priority})  # BO-001 .. BO-004

    received = numbers(await api.data(RECEIVE, {"q": "7"}))["receiveStock"]["level"]

    assert received == {"onHand": 7, "available": 0, "version": 3}
    waiting = numbers(await api.data(READ))
    assert waiting["backorders"] == {
        "items": [
            {"backorderId": "BO-004", "priority": "HIGH"},
            {"backorderId": "BO-001", "priority": "LOW"},
        ],
        "totalCount": 2,
    }
    assert waiting["stockLevels"] == [{"onHand": 7, "reserved": 7}]
    found = await records_of(services, api.tenant, {"sales.backorder.fulfilled": 2})
    fulfilled = found["sales.backorder.fulfilled"]  # keyed by backorder: any partition order
    assert sorted(r["payload"]["backorderId"] for r in fulfilled) == ["BO-002", "BO-003"]

    await api.data(RECEIVE, {"q": "1"})  # fills BO-004 (HIGH); BO-001 (LOW) needs 2
    assert (await api.data(PROCESS))["processBackorders"] == {
        "fulfilledBackorders": [],
        "stillPendingBackorders": [{"backorderId": "BO-001"}],
    }
    await api.data(RECEIVE, {"q": "2"})
    assert numbers(await api.data(READ)) == {
        "backorders": {"items": [], "totalCount": 0},
        "stockLevels": [{"onHand": 10, "reserved": 10}],
    }
    checked = check_inventory(database_url, api.tenant, tmp_path)
    assert (checked.returncode, checked.stdout) == (0, "")


WATCH = """subscription { backorderFilled(locationId: "LOC-A", sku: "oil-1") {
  backorderId sku quantity priority reservationId } }"""


async def test_a_planner_sees_backorders_filled_as_stock_arrives(
    api: Api, gateway: RunningGateway
) -> None:
    await open_sales(api)
    await api.data(ISSUE_ALL)
    await api.data(BACKORDER, {"q": "3", "p": "MEDIUM"})
    watcher = await Subscriber(gateway.url, token(api.tenant)).connect()
    try:
        await watcher.acknowledged()
        await watcher.subscribe(WATCH)
        await gateway.subscribed(api.tenant)
        await api.data(RECEIVE, {"q": "5"})
        filled = (await watcher.next_data())["backorderFilled"]
    finally:
        await watcher.close()
    assert numbers(filled) == {
        "backorderId": "BO-001",
        "sku": "OIL-1",
        "quantity": 3,
        "priority": "MEDIUM",
        "reservationId": "BO-001-R",
    }


REPORT = """{ backorderReport { totalBackorders totalValue averageFulfillmentTime
  backordersByPriority { priority count value } backordersByStatus { status count value } }
  salesOrder(orderId: "SO-001") { backorders { backorderId unitPrice value status } } }"""


async def test_an_orders_backorders_and_the_report(api: Api) -> None:
    await open_sales(api, "2")
    taken = (await api.data(PROCESS_ORDER))["processOrder"]
    assert taken["orderId"] == "SO-001"
    await api.data(ORDER_BACKORDER)

    read = numbers(await api.data(REPORT))

    assert read["salesOrder"]["backorders"] == [
        {"backorderId": "BO-001", "unitPrice": 9, "value": 27, "status": "PENDING"}
    ]
    report = read["backorderReport"]
    assert (report["totalBackorders"], report["totalValue"]) == (1, 27)
    assert report["averageFulfillmentTime"] is None
    assert report["backordersByPriority"][0] == {"priority": "URGENT", "count": 1, "value": 27}
    assert report["backordersByStatus"] == [
        {"status": "PENDING", "count": 1, "value": 27},
        {"status": "FULFILLED", "count": 0, "value": 0},
    ]


PROCESS_ORDER = """mutation { processOrder(input: {customerId: "CUST-1",
  lines: [{sku: "OIL-1", locationId: "LOC-A", quantity: "2"}],
  shippingAddress: {line1: "1 Main St", city: "Springfield", postalCode: "12345",
                    country: "US"}}) { orderId } }"""
ORDER_BACKORDER = """mutation {
  createBackorder(input: {customerId: "CUST-1", orderId: "SO-001", sku: "OIL-1",
                          locationId: "LOC-A", quantity: "3", priority: URGENT}) { backorderId }
}"""


PROCESS_ORDER_BACKORDERING = """mutation($q: Decimal!) {
  processOrder(input: {customerId: "CUST-1",
    lines: [{sku: "OIL-1", locationId: "LOC-A", quantity: $q}],
    shippingAddress: {line1: "1 Main St", city: "Springfield", postalCode: "12345",
                      country: "US"},
    backorderShortfall: {priority: URGENT}}) {
    orderId status message
    unavailableItems { sku required available shortfall }
    order { lines { quantity reservation { status } } backorders { backorderId } }
    backorders { backorderId quantity priority status orderId }
  }
}"""


async def test_an_order_asking_for_it_backorders_its_shortfall_and_a_receipt_fills_it(
    api: Api, database_url: str, tmp_path: Path
) -> None:
    await open_sales(api, on_hand="3")

    result = numbers(await api.data(PROCESS_ORDER_BACKORDERING, {"q": "5"}))["processOrder"]

    assert result == {
        "orderId": "SO-001",
        "status": "SUCCESS",
        "message": "Order processed for the stock available; the shortfall is backordered",
        "unavailableItems": [{"sku": "OIL-1", "required": 5, "available": 3, "shortfall": 2}],
        "order": {
            "lines": [{"quantity": 3, "reservation": {"status": "ACTIVE"}}],
            "backorders": [{"backorderId": "BO-001"}],
        },
        "backorders": [
            {
                "backorderId": "BO-001",
                "quantity": 2,
                "priority": "URGENT",
                "status": "PENDING",
                "orderId": "SO-001",
            }
        ],
    }
    await api.data(RECEIVE, {"q": "2"})
    assert numbers(await api.data(READ))["stockLevels"] == [{"onHand": 5, "reserved": 5}]
    checked = check_inventory(database_url, api.tenant, tmp_path)
    assert (checked.returncode, checked.stdout) == (0, "")
