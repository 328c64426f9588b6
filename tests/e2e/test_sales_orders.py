"""Sales orders over HTTP: an order from stock to delivery with its reservations, the
events on the sales topics, permissions and tenancy, and the races: two customers
ordering the last units at once (one served, never both), and a cancel racing a
fulfilment (the inventory checker finds nothing after either)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.identity import Permission
from tests.conftest import Api, RunningGateway, Services, token
from tests.e2e.test_service_order_events import records_of
from tests.e2e.test_stock_ledger import RECEIVE, check_inventory, numbers, open_shop
from tests.graphql_ws import Subscriber

CUSTOMERS = """mutation {
  a: createCustomer(input: {customerId: "CUST-1", name: "Fleet Co"}) { version }
  b: createCustomer(input: {customerId: "CUST-2", name: "Taxi Co"}) { version }
}"""
PROCESS = """mutation($customer: ID!, $lines: [OrderLineInput!]!) {
  processOrder(input: {customerId: $customer, lines: $lines,
    shippingAddress: {line1: "1 Main St", city: "Springfield", postalCode: "12345",
                      country: "US"}}) {
    orderId status message
    unavailableItems { sku locationId required available shortfall }
    order { status version totalAmount lines { lineNumber sku unitPrice lineTotal
            reservation { reservationId status referenceType referenceId } } }
  }
}"""
START = """mutation($id: ID!, $v: Int!) {
  startOrderFulfillment(orderId: $id, version: $v) {
    status version fulfillment { fulfillmentId status } } }"""
COMPLETE = """mutation($id: ID!, $v: Int!) {
  completeFulfillment(orderId: $id, version: $v) { status version fulfillment { status } } }"""
SHIP = """mutation($id: ID!, $v: Int!) {
  shipOrder(input: {orderId: $id, version: $v, carrier: "UPS", trackingNumber: "1Z999"}) {
    status version } }"""
DELIVER = """mutation($id: ID!, $v: Int!) {
  deliverOrder(orderId: $id, version: $v) { status version } }"""
CANCEL = """mutation($id: ID!, $v: Int!) {
  cancelOrder(orderId: $id, version: $v, reason: "Customer called") {
    status version lines { reservation { status } } } }"""
STOCK = """mutation($part: CreatePartInput!, $sku: String!) {
  createPart(input: $part) { productId }
  receiveStock(input: {sku: $sku, locationId: "LOC-A", quantity: "10", unitCost: "1.00"}) {
    level { onHand } }
}"""
TRACK = """query($id: ID!) { fulfillmentTracking(fulfillmentId: $id) {
  orderId status carrier trackingNumber shippedAt items { sku quantity } } }"""
READ = """{
  salesOrder(orderId: "SO-001") { status customer { name } lines { reservation { status } } }
  salesOrders(customerId: "CUST-1", status: DELIVERED) { items { orderId } totalCount }
  customer(id: "CUST-1") { salesOrders { items { orderId status } totalCount } }
  stockLevels(sku: "OIL-1", locationId: "LOC-A") { onHand reserved }
}"""


def lines(quantity: str, location: str = "LOC-A") -> list[dict[str, str]]:
    return [{"sku": "OIL-1", "locationId": location, "quantity": quantity}]


async def open_sales(api: Api, on_hand: str = "10") -> None:
    await open_shop(api)
    await api.data(CUSTOMERS)
    await api.data(RECEIVE, {"q": on_hand})


async def process(api: Api, quantity: str, customer: str = "CUST-1", **kw: str) -> dict:
    return await api(PROCESS, {"customer": customer, "lines": lines(quantity, **kw)})


async def test_an_order_from_stock_to_delivery_over_http(api: Api, services: Services) -> None:
    await open_sales(api)

    taken = numbers(await api.data(PROCESS, {"customer": "CUST-1", "lines": lines("4")}))
    result = taken["processOrder"]
    assert (result["orderId"], result["status"], result["unavailableItems"]) == (
        "SO-001",
        "SUCCESS",
        [],
    )
    assert result["order"]["lines"] == [
        {
            "lineNumber": 1,
            "sku": "OIL-1",
            "unitPrice": 9,
            "lineTotal": 36,
            "reservation": {
                "reservationId": "SO-001-L1",
                "status": "ACTIVE",
                "referenceType": "ORDER_LINE",
                "referenceId": "SO-001/1",
            },
        }
    ]
    order = {"id": "SO-001", "v": result["order"]["version"]}
    started = (await api.data(START, order))["startOrderFulfillment"]
    assert started["fulfillment"] == {"fulfillmentId": "SO-001-F1", "status": "IN_PROGRESS"}
    completed = await api.data(COMPLETE, {"id": "SO-001", "v": started["version"]})
    shipped = await api.data(
        SHIP, {"id": "SO-001", "v": completed["completeFulfillment"]["version"]}
    )
    tracked = numbers((await api.data(TRACK, {"id": "SO-001-F1"}))["fulfillmentTracking"])
    assert tracked.pop("shippedAt")
    assert tracked == {
        "orderId": "SO-001",
        "status": "SHIPPED",
        "carrier": "UPS",
        "trackingNumber": "1Z999",
        "items": [{"sku": "OIL-1", "quantity": 4}],
    }
    cancel = {"id": "SO-001", "v": shipped["shipOrder"]["version"]}
    assert await api.error_codes(CANCEL, cancel) == ["ORDER_ALREADY_SHIPPED"]
    delivered = (await api.data(DELIVER, cancel))["deliverOrder"]
    assert delivered["status"] == "DELIVERED"

    read = numbers(await api.data(READ))
    assert read["salesOrder"] == {
        "status": "DELIVERED",
        "customer": {"name": "Fleet Co"},
        "lines": [{"reservation": {"status": "CONSUMED"}}],
    }
    assert read["salesOrders"] == {"items": [{"orderId": "SO-001"}], "totalCount": 1}
    assert read["customer"]["salesOrders"]["items"] == [
        {"orderId": "SO-001", "status": "DELIVERED"}
    ]
    assert read["stockLevels"] == [{"onHand": 6, "reserved": 0}]
    assert await api.error_codes(TRACK, {"id": "SO-404-F1"}) == ["FULFILLMENT_NOT_FOUND"]

    found = await records_of(
        services,
        api.tenant,
        {
            "sales.order.inventory_allocated": 1,
            "sales.order.fulfillment_started": 1,
            "sales.order.fulfilled": 1,
            "sales.order.shipped": 1,
            "sales.order.delivered": 1,
        },
    )
    [fulfilled] = found["sales.order.fulfilled"]
    assert fulfilled["eventType"] == "SalesOrderFulfilledEvent"
    assert fulfilled["payload"]["totalAmount"] == 36
    assert fulfilled["payload"]["lines"][0]["reservationId"] == "SO-001-L1"


async def test_a_short_order_reserves_nothing_and_a_cancel_releases_everything(
    api: Api, services: Services, database_url: str, tmp_path: Path
) -> None:
    await open_sales(api, "5")
    short = numbers(
        await api.data(
            PROCESS,
            {"customer": "CUST-1", "lines": lines("4") + lines("2") + lines("1", "LOC-B")},
        )
    )["processOrder"]
    assert (short["orderId"], short["status"], short["order"]) == (
        None,
        "INSUFFICIENT_INVENTORY",
        None,
    )
    assert short["unavailableItems"] == [
        {"sku": "OIL-1", "locationId": "LOC-A", "required": 6, "available": 5, "shortfall": 1},
        {"sku": "OIL-1", "locationId": "LOC-B", "required": 1, "available": 0, "shortfall": 1},
    ]
    taken = (await process(api, "5"))["data"]["processOrder"]
    assert taken["orderId"] == "SO-001"  # the short order took no number
    cancelled = await api.data(CANCEL, {"id": "SO-001", "v": taken["order"]["version"]})
    assert cancelled["cancelOrder"]["status"] == "CANCELLED"
    assert cancelled["cancelOrder"]["lines"] == [{"reservation": {"status": "RELEASED"}}]
    level = numbers(await api.data(READ))["stockLevels"]
    assert level == [{"onHand": 5, "reserved": 0}]
    assert await api.error_codes(START, {"id": "SO-001", "v": 2}) == ["INVALID_TRANSITION"]
    [event] = (await records_of(services, api.tenant, {"sales.order.cancelled": 1}))[
        "sales.order.cancelled"
    ]
    assert event["payload"]["reservationIds"] == ["SO-001-L1"]
    checked = check_inventory(database_url, api.tenant, tmp_path)
    assert (checked.returncode, checked.stdout) == (0, "")


async def test_permissions_credit_and_tenancy(api: Api) -> None:
    await open_sales(api)
    reader = api.as_tenant(api.tenant, [Permission.SALES_ORDER_READ])
    assert await reader.error_codes(PROCESS, {"customer": "CUST-1", "lines": lines("1")}) == [
        "FORBIDDEN"
    ]
    await api.data(
        """mutation { updateCustomer(input: {customerId: "CUST-2", version: 1,
                      creditLimit: "20.00"}) { version } }"""
    )
    refused = (await process(api, "3", "CUST-2"))["errors"][0]["extensions"]
    assert (refused["code"], refused["availableCredit"], refused["orderValue"]) == (
        "CREDIT_LIMIT_EXCEEDED",
        "20.00",
        "27.00",
    )
    assert (await process(api, "2", "CUST-2"))["data"]["processOrder"]["status"] == "SUCCESS"
    writer = api.as_tenant(api.tenant, [Permission.SALES_ORDER_WRITE])
    assert await writer.error_codes(READ) == ["FORBIDDEN"]
    stranger = api.as_tenant(f"{api.tenant}-other")
    assert await stranger.error_codes(START, {"id": "SO-001", "v": 1}) == ["SALES_ORDER_NOT_FOUND"]
    assert await stranger.error_codes(PROCESS, {"customer": "CUST-1", "lines": lines("1")}) == [
        "CUSTOMER_NOT_FOUND"
    ]


async def test_each_line_is_priced_at_the_customers_terms(api: Api) -> None:
    """A specific price, else the discount of the customer's tier, else the list price,
    for parts named by SKU or by id."""
    await open_sales(api)
    part = {"productId": "PART-2", "sku": "SKU-2", "name": "Pad", "unitPrice": "20.00"}
    await api.data(STOCK, {"part": part, "sku": "SKU-2"})
    await api.data(
        """mutation {
          setTierDiscount(input: {tier: GOLD, discountPercent: "12"}) { version }
          setCustomerTier(input: {customerId: "CUST-1", tier: GOLD, version: 1}) { version }
          updateCustomerPricing(input: {customerId: "CUST-1", version: 0,
                                prices: [{sku: "OIL-1", customerPrice: "7.50"}]}) { version }
        }"""
    )
    ordered = [
        {"sku": "oil-1", "locationId": "LOC-A", "quantity": "2"},
        {"productId": "PART-2", "locationId": "LOC-A", "quantity": "1"},
    ]
    prices = {}
    for customer in ("CUST-1", "CUST-2"):
        taken = await api.data(PROCESS, {"customer": customer, "lines": ordered})
        order = taken["processOrder"]["order"]
        prices[customer] = ([line["unitPrice"] for line in order["lines"]], order["totalAmount"])
    assert prices == {
        "CUST-1": (["7.50", "17.60"], "32.60"),
        "CUST-2": (["9.00", "20.00"], "38.00"),
    }


async def test_orders_racing_for_a_customers_last_credit_are_checked_one_at_a_time(
    api: Api,
) -> None:
    """Each order (of a part of its own, so no stock lock orders them) fits the credit
    left alone, two together, not three: of five sent at once, two are taken and three
    refused, whatever order they arrive in."""
    await open_sales(api)
    for n in range(2, 7):
        part = {"productId": f"PART-{n}", "sku": f"SKU-{n}", "name": f"Part {n}", "unitPrice": "9"}
        await api.data(STOCK, {"part": part, "sku": f"SKU-{n}"})
    await api.data(
        """mutation { updateCustomer(input: {customerId: "CUST-2", version: 1,
                      creditLimit: "20.00"}) { version } }"""
    )
    one_each = [[{"sku": f"SKU-{n}", "locationId": "LOC-A", "quantity": "1"}] for n in range(2, 7)]
    answers = await asyncio.gather(
        *(api(PROCESS, {"customer": "CUST-2", "lines": lines}) for lines in one_each)
    )
    taken = [a for a in answers if "errors" not in a]
    refused = [a["errors"][0]["extensions"]["code"] for a in answers if "errors" in a]
    assert [a["data"]["processOrder"]["status"] for a in taken] == ["SUCCESS"] * 2
    assert refused == ["CREDIT_LIMIT_EXCEEDED"] * 3


async def test_two_customers_ordering_the_last_units_at_once_are_never_both_served(
    api: Api, database_url: str, tmp_path: Path
) -> None:
    await open_sales(api, "3")

    for _ in range(5):
        answers = await asyncio.gather(process(api, "3", "CUST-1"), process(api, "3", "CUST-2"))
        statuses = sorted(a["data"]["processOrder"]["status"] for a in answers)
        assert statuses == ["INSUFFICIENT_INVENTORY", "SUCCESS"]
        [won] = [a for a in answers if a["data"]["processOrder"]["status"] == "SUCCESS"]
        order = won["data"]["processOrder"]
        await api.data(CANCEL, {"id": order["orderId"], "v": order["order"]["version"]})
    level = numbers(await api.data(READ))["stockLevels"]
    assert level == [{"onHand": 3, "reserved": 0}]
    checked = check_inventory(database_url, api.tenant, tmp_path)
    assert (checked.returncode, checked.stdout) == (0, "")


async def test_orders_sharing_parts_in_any_line_order_are_all_served_without_a_deadlock(
    api: Api, database_url: str, tmp_path: Path
) -> None:
    """Each order's items are locked in (product, location) order whatever its lines'
    order, so orders naming the same parts the other way round never deadlock."""
    await open_sales(api)
    for n in range(2, 7):
        part = {"productId": f"PART-{n}", "sku": f"SKU-{n}", "name": f"Part {n}", "unitPrice": "2"}
        await api.data(STOCK, {"part": part, "sku": f"SKU-{n}"})
    named = [{"sku": f"SKU-{n}", "locationId": "LOC-A", "quantity": "1"} for n in range(2, 7)]
    named += lines("1")
    answers = await asyncio.gather(
        *(
            api.data(
                PROCESS,
                {"customer": f"CUST-{n % 2 + 1}", "lines": named if n % 2 else named[::-1]},
            )
            for n in range(8)
        )
    )
    assert [a["processOrder"]["status"] for a in answers] == ["SUCCESS"] * 8
    checked = check_inventory(database_url, api.tenant, tmp_path)
    assert (checked.returncode, checked.stdout) == (0, "")


WAITING = text("SELECT count(*) FROM pg_locks WHERE NOT granted")


async def test_an_order_locks_its_items_only_after_the_customers_row(
    api: Api, engine: AsyncEngine
) -> None:
    """The order's statement locks its items after the customer's row, the order every
    sales use case takes them in: while it waits for the customer (held by a change of
    the customer), it holds none of its items."""
    await open_sales(api)
    tenant = {"tenant": api.tenant}
    async with engine.connect() as holder:
        await holder.execute(
            text("SELECT 1 FROM customers WHERE tenant_id = :tenant AND id = 'CUST-1' FOR UPDATE"),
            tenant,
        )
        ordering = asyncio.create_task(process(api, "1"))
        async with engine.connect() as probe, asyncio.timeout(10):
            while not (await probe.execute(WAITING)).scalar():
                await probe.rollback()
                await asyncio.sleep(0.01)
            free = await probe.execute(
                text("SELECT 1 FROM stock_levels WHERE tenant_id = :tenant FOR UPDATE NOWAIT"),
                tenant,
            )
            assert len(free.all()) == 1
            await probe.rollback()
        await holder.rollback()
    assert (await ordering)["data"]["processOrder"]["status"] == "SUCCESS"


async def test_a_cancel_racing_a_fulfilment_leaves_one_done_and_the_stock_consistent(
    api: Api, database_url: str, tmp_path: Path
) -> None:
    await open_sales(api, "20")
    started = 0
    for n in range(1, 6):
        taken = (await process(api, "2"))["data"]["processOrder"]
        order = {"id": taken["orderId"], "v": taken["order"]["version"]}
        start, cancel = await asyncio.gather(api(START, order), api(CANCEL, order))
        won = [name for name, a in (("start", start), ("cancel", cancel)) if "errors" not in a]
        lost = [a["errors"][0]["extensions"]["code"] for a in (start, cancel) if "errors" in a]
        assert len(won) == 1 and lost == ["VERSION_CONFLICT"], (start, cancel)
        started += won == ["start"]
        state = await api.data(f'{{ salesOrder(orderId: "SO-00{n}") {{ status }} }}')
        assert state["salesOrder"]["status"] == (
            "FULFILLMENT_IN_PROGRESS" if won == ["start"] else "CANCELLED"
        )
    level = numbers(await api.data(READ))["stockLevels"]
    assert level == [{"onHand": 20 - 2 * started, "reserved": 0}]
    checked = check_inventory(database_url, api.tenant, tmp_path)
    assert (checked.returncode, checked.stdout) == (0, "")


WATCH = """subscription($customer: ID) {
  salesOrderStatusChanged(customerId: $customer) { orderId customerId status fulfillmentStatus }
}"""


async def test_a_customers_screen_follows_their_orders_moves_live(
    api: Api, gateway: RunningGateway
) -> None:
    await open_sales(api)
    watcher = await Subscriber(gateway.url, token(api.tenant)).connect()
    try:
        await watcher.acknowledged()
        await watcher.subscribe(WATCH, {"customer": "CUST-1"})
        await gateway.subscribed(api.tenant)
        await process(api, "1", "CUST-2")  # another customer's: not on this screen
        taken = (await process(api, "2"))["data"]["processOrder"]
        started = await api.data(START, {"id": taken["orderId"], "v": taken["order"]["version"]})
        await api.data(
            COMPLETE, {"id": taken["orderId"], "v": started["startOrderFulfillment"]["version"]}
        )
        seen = [(await watcher.next_data())["salesOrderStatusChanged"] for _ in range(3)]
    finally:
        await watcher.close()
    assert seen == [
        {
            "orderId": "SO-002",
            "customerId": "CUST-1",
            "status": "INVENTORY_ALLOCATED",
            "fulfillmentStatus": None,
        },
        {
            "orderId": "SO-002",
            "customerId": "CUST-1",
            "status": "FULFILLMENT_IN_PROGRESS",
            "fulfillmentStatus": "IN_PROGRESS",
        },
        {
            "orderId": "SO-002",
            "customerId": "CUST-1",
            "status": "FULFILLMENT_IN_PROGRESS",
            "fulfillmentStatus": "COMPLETED",
        },
    ]


SYNC = """mutation($id: ID!) { syncOrderWithInventory(orderId: $id) {
  orderId inSync reservedAgain { lineNumber previousReservationId reservationId }
  stillShort { lineNumber required available } order { version } } }"""
SYNC_ALL = """mutation { syncAllPendingOrders { orderId inSync } }"""
RELEASE = """mutation($id: ID!) { releaseReservation(reservationId: $id) { level { reserved } } }"""


async def test_sync_holds_again_a_line_whose_reservation_was_released(
    api: Api, services: Services, database_url: str, tmp_path: Path
) -> None:
    await open_sales(api)
    taken = (await process(api, "4"))["data"]["processOrder"]
    assert (await api.data(SYNC_ALL))["syncAllPendingOrders"] == []
    await api.data(RELEASE, {"id": "SO-001-L1"})
    assert await api.error_codes(START, {"id": "SO-001", "v": taken["order"]["version"]}) == [
        "RESERVATION_NOT_ACTIVE"
    ]

    synced = numbers(await api.data(SYNC, {"id": "SO-001"}))["syncOrderWithInventory"]

    assert synced["inSync"] is True and synced["stillShort"] == []
    assert synced["reservedAgain"] == [
        {"lineNumber": 1, "previousReservationId": "SO-001-L1", "reservationId": "SO-001-L1-V2"}
    ]
    started = await api.data(START, {"id": "SO-001", "v": synced["order"]["version"]})
    assert started["startOrderFulfillment"]["status"] == "FULFILLMENT_IN_PROGRESS"
    assert numbers(await api.data(READ))["stockLevels"] == [{"onHand": 6, "reserved": 0}]
    [event] = (await records_of(services, api.tenant, {"sales.order.synced": 1}))[
        "sales.order.synced"
    ]
    assert event["payload"]["reservedAgain"][0]["reservationId"] == "SO-001-L1-V2"
    checked = check_inventory(database_url, api.tenant, tmp_path)
    assert (checked.returncode, checked.stdout) == (0, "")
