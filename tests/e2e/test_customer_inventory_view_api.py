"""Seed 004's customer inventory view over HTTP: a tier customer sees tier prices, one with
a specific price sees it, paging, the location and text filters, the lead time,
permissions, tenancy, unknown customers, and two statements for a page of any size."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event, insert

from domain.identity import Permission
from persistence.tables import customer_price_lists, customer_prices, parts, stock_levels
from tests.conftest import Api, RunningGateway
from tests.e2e.test_dataloaders import StatementLog
from tests.e2e.test_stock_ledger import numbers

SHOP = """
mutation($oil: CreatePartInput!, $pad: CreatePartInput!, $until: DateTime!) {
  oil: createPart(input: $oil) { productId }
  pad: createPart(input: $pad) { productId }
  a: createLocation(input: {locationId: "LOC-A", name: "Main"}) { locationId }
  b: createLocation(input: {locationId: "LOC-B", name: "North"}) { locationId }
  oilA: receiveStock(input: {sku: "OIL-5W30", locationId: "LOC-A", quantity: "10",
                             unitCost: "4"}) { level { onHand } }
  oilB: receiveStock(input: {sku: "OIL-5W30", locationId: "LOC-B", quantity: "4",
                             unitCost: "4"}) { level { onHand } }
  padA: receiveStock(input: {sku: "BRK-PAD", locationId: "LOC-A", quantity: "3",
                             unitCost: "40"}) { level { onHand } }
  reserveStock(input: {sku: "OIL-5W30", locationId: "LOC-A", quantity: "2",
                       referenceType: ORDER_LINE, referenceId: "SO-1/1", expiresAt: $until}) {
    level { reserved }
  }
  setReorderPoint(input: {sku: "BRK-PAD", locationId: "LOC-A", reorderPoint: "1", version: 1,
                          leadTimeDays: 5}) { leadTimeDays }
  gold: createCustomer(input: {customerId: "CUST-GOLD", name: "Gold Fleet"}) { version }
  own: createCustomer(input: {customerId: "CUST-OWN", name: "Own Prices"}) { version }
  setCustomerTier(input: {customerId: "CUST-GOLD", tier: GOLD, version: 1}) { tier }
  updateCustomerPricing(input: {customerId: "CUST-OWN", version: 0,
                                prices: [{sku: "BRK-PAD", customerPrice: "70.00"}]}) { version }
}"""
VIEW = """query($customer: ID!, $location: ID, $search: String, $index: Int, $size: Int) {
  customerInventoryView(customerId: $customer, locationId: $location, search: $search,
                        pageIndex: $index, pageSize: $size) {
    customerId customerName customerTier tenantId lastUpdated
    inventoryItems {
      sku description availableQuantity reservedQuantity unitPrice customerPrice
      discountPercentage leadTime location
    }
    pageIndex pageSize hasNextPage totalCount totalValue
  }
}"""


async def open_shop(api: Api) -> None:
    until = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    await api.data(
        SHOP,
        {
            "oil": {
                "productId": "PART-OIL",
                "sku": "OIL-5W30",
                "name": "Oil",
                "description": "Synthetic motor oil",
                "unitPrice": "9.99",
            },
            "pad": {
                "productId": "PART-PAD",
                "sku": "BRK-PAD",
                "name": "Brake pads",
                "unitPrice": "89.99",
            },
            "until": until,
        },
    )


async def view(api: Api, customer: str, **given: Any) -> dict[str, Any]:
    answer = await api.data(VIEW, {"customer": customer, **given})
    return numbers(answer["customerInventoryView"])


def item(sku: str, location: str, available: int, reserved: int, prices: tuple, lead: int = 0):
    description = {"OIL-5W30": "Synthetic motor oil", "BRK-PAD": "Brake pads"}[sku]
    unit, customer, off = (Decimal(p) for p in prices)
    return {
        "sku": sku,
        "description": description,
        "availableQuantity": available,
        "reservedQuantity": reserved,
        "unitPrice": unit,
        "customerPrice": customer,
        "discountPercentage": off,
        "leadTime": lead,
        "location": location,
    }


async def test_a_gold_customer_sees_tier_prices_and_one_with_a_specific_price_sees_it(
    api: Api,
) -> None:
    await open_shop(api)
    gold = await view(api, "CUST-GOLD")
    read_at = datetime.fromisoformat(gold.pop("lastUpdated"))
    assert abs(read_at - datetime.now(UTC)) < timedelta(seconds=30)
    assert gold == {
        "customerId": "CUST-GOLD",
        "customerName": "Gold Fleet",
        "customerTier": "GOLD",
        "tenantId": api.tenant,
        "inventoryItems": [
            item("BRK-PAD", "LOC-A", 3, 0, ("89.99", "80.99", "10"), lead=5),
            item("OIL-5W30", "LOC-A", 8, 2, ("9.99", "8.99", "10")),
            item("OIL-5W30", "LOC-B", 4, 0, ("9.99", "8.99", "10")),
        ],
        "pageIndex": 0,
        "pageSize": 20,
        "hasNextPage": False,
        "totalCount": 3,
        "totalValue": Decimal("350.85"),  # 3 x 80.99 + 12 x 8.99
    }
    own = await view(api, "CUST-OWN")
    assert (own["customerTier"], own["inventoryItems"]) == (
        "BRONZE",
        [
            item("BRK-PAD", "LOC-A", 3, 0, ("89.99", "70.00", "22.21"), lead=5),
            item("OIL-5W30", "LOC-A", 8, 2, ("9.99", "9.99", "0")),
            item("OIL-5W30", "LOC-B", 4, 0, ("9.99", "9.99", "0")),
        ],
    )
    assert own["totalValue"] == Decimal("329.88")  # 3 x 70.00 + 12 x 9.99
    customer = await api.data(
        """{ customer(id: "CUST-OWN") {
             inventoryView(search: "brk") { customerName inventoryItems { sku customerPrice } }
           } }"""
    )
    assert numbers(customer["customer"]["inventoryView"]) == {
        "customerName": "Own Prices",
        "inventoryItems": [{"sku": "BRK-PAD", "customerPrice": 70}],
    }


async def test_the_tenants_own_tier_discount_prices_the_view(api: Api) -> None:
    await open_shop(api)
    await api.data(
        'mutation { setTierDiscount(input: {tier: GOLD, discountPercent: "12"}) { version } }'
    )
    gold = await view(api, "CUST-GOLD", location="LOC-A")
    assert gold["inventoryItems"][0] == item(
        "BRK-PAD", "LOC-A", 3, 0, ("89.99", "79.19", "12"), lead=5
    )
    assert gold["totalValue"] == Decimal("307.89")  # 3 x 79.19 + 8 x 8.79
    own = await view(api, "CUST-OWN", location="LOC-A", search="oil")
    assert own["inventoryItems"] == [item("OIL-5W30", "LOC-A", 8, 2, ("9.99", "9.99", "0"))]


async def test_pages_and_the_location_and_text_filters(api: Api) -> None:
    await open_shop(api)
    pages = [await view(api, "CUST-GOLD", index=i, size=2) for i in (0, 1)]
    assert [(i["sku"], i["location"]) for p in pages for i in p["inventoryItems"]] == [
        ("BRK-PAD", "LOC-A"),
        ("OIL-5W30", "LOC-A"),
        ("OIL-5W30", "LOC-B"),
    ]
    assert [(p["hasNextPage"], p["totalCount"], p["totalValue"]) for p in pages] == [
        (True, 3, Decimal("350.85")),
        (False, 3, Decimal("350.85")),
    ]
    at_b = await view(api, "CUST-GOLD", location="LOC-B")
    assert [(i["sku"], i["location"]) for i in at_b["inventoryItems"]] == [("OIL-5W30", "LOC-B")]
    assert (at_b["totalCount"], at_b["totalValue"]) == (1, Decimal("35.96"))
    motor = await view(api, "CUST-GOLD", search="MOTOR")
    assert [(i["sku"], i["location"]) for i in motor["inventoryItems"]] == [
        ("OIL-5W30", "LOC-A"),
        ("OIL-5W30", "LOC-B"),
    ]
    oil_at_a = await view(api, "CUST-GOLD", location="LOC-A", search="oil")
    assert (oil_at_a["totalCount"], oil_at_a["totalValue"]) == (1, Decimal("71.92"))
    assert (await view(api, "CUST-GOLD", search="100%_"))["inventoryItems"] == []
    assert await api.error_codes(VIEW, {"customer": "CUST-GOLD", "size": 101}) == [
        "INVALID_PAGE_SIZE"
    ]


async def test_a_renamed_sku_and_a_new_price_show_at_once(api: Api) -> None:
    await open_shop(api)
    await api.data(
        """mutation { updatePart(input: {productId: "PART-PAD", version: 1, sku: "BRK-PAD-2",
                                         unitPrice: "99.99"}) { sku } }"""
    )
    found = await view(api, "CUST-GOLD", location="LOC-A")
    assert [(i["sku"], i["unitPrice"], i["customerPrice"]) for i in found["inventoryItems"]] == [
        ("BRK-PAD-2", Decimal("99.99"), Decimal("89.99")),
        ("OIL-5W30", Decimal("9.99"), Decimal("8.99")),
    ]
    assert (await view(api, "CUST-GOLD", search="brk-pad-2"))["totalCount"] == 1


async def test_unknown_customers_and_locations_permissions_and_tenancy(api: Api) -> None:
    await open_shop(api)
    assert await api.error_codes(VIEW, {"customer": "CUST-404"}) == ["CUSTOMER_NOT_FOUND"]
    assert await api.error_codes(VIEW, {"customer": "CUST-GOLD", "location": "LOC-Z"}) == [
        "LOCATION_NOT_FOUND"
    ]
    await api.data(
        'mutation { createLocation(input: {locationId: "LOC-Z", name: "New"}) { name } }'
    )
    empty = await view(api, "CUST-GOLD", location="LOC-Z")
    assert (empty["inventoryItems"], empty["totalCount"], empty["totalValue"]) == ([], 0, 0)
    for lacking in (Permission.INVENTORY_READ, Permission.CUSTOMER_READ):
        reader = api.as_tenant(
            api.tenant,
            [p for p in (Permission.INVENTORY_READ, Permission.CUSTOMER_READ) if p != lacking],
        )
        assert await reader.error_codes(VIEW, {"customer": "CUST-GOLD"}) == ["FORBIDDEN"]
    both = api.as_tenant(api.tenant, [Permission.INVENTORY_READ, Permission.CUSTOMER_READ])
    assert (await view(both, "CUST-GOLD"))["totalCount"] == 3
    stranger = api.as_tenant(f"{api.tenant}-other")
    assert await stranger.error_codes(VIEW, {"customer": "CUST-GOLD"}) == ["CUSTOMER_NOT_FOUND"]
    await stranger.data(
        'mutation { createCustomer(input: {customerId: "CUST-GOLD", name: "X"}) { version } }'
    )
    theirs = await view(stranger, "CUST-GOLD")
    assert (theirs["inventoryItems"], theirs["totalCount"], theirs["totalValue"]) == ([], 0, 0)


class ViewStatements(StatementLog):
    """Statements of the request that read customers, tier discounts, locations, stock
    levels or customers' price lines."""

    TABLES = ("customers", "tier_discounts", "locations", "stock_levels", "customer_prices")

    def __call__(self, logged: Any) -> None:
        if any(f" {table} " in f"{logged.query} " for table in self.TABLES):
            self.statements.append(logged.query)


@pytest.fixture
def view_statements(gateway: RunningGateway) -> Iterator[ViewStatements]:
    pool = gateway.app.state.engine.sync_engine.pool
    log = ViewStatements()
    event.listen(pool, "checkout", log.watch)
    yield log
    event.remove(pool, "checkout", log.watch)
    for driver_connection in log.watched:
        driver_connection.remove_query_logger(log)


async def test_a_page_of_fifty_is_read_and_priced_in_two_statements(
    api: Api, gateway: RunningGateway, view_statements: ViewStatements
) -> None:
    await open_shop(api)
    tenant = api.tenant
    async with gateway.app.state.engine.begin() as connection:
        await connection.execute(
            insert(parts),
            [
                {
                    "tenant_id": tenant,
                    "id": f"P-{i:03d}",
                    "sku": f"BULK-{i:03d}",
                    "name": "Bulk",
                    "unit_price": Decimal("10.00"),
                }
                for i in range(60)
            ],
        )
        await connection.execute(
            insert(stock_levels),
            [
                {
                    "tenant_id": tenant,
                    "product_id": f"P-{i:03d}",
                    "location_id": "LOC-A",
                    "sku": f"BULK-{i:03d}",
                    "on_hand": Decimal(i),
                }
                for i in range(60)
            ],
        )
        await connection.execute(
            insert(customer_price_lists), [{"tenant_id": tenant, "customer_id": "CUST-GOLD"}]
        )
        await connection.execute(
            insert(customer_prices),
            [
                {
                    "tenant_id": tenant,
                    "customer_id": "CUST-GOLD",
                    "product_id": f"P-{i:03d}",
                    "discount_percentage": Decimal(50),
                }
                for i in range(0, 60, 2)
            ],
        )
    view_statements.statements.clear()
    page = numbers(
        (
            await api.data(
                """{ customerInventoryView(customerId: "CUST-GOLD", search: "bulk", pageSize: 50) {
                     hasNextPage inventoryItems { customerPrice } } }"""
            )
        )["customerInventoryView"]
    )
    assert len(view_statements.statements) == 1, view_statements.statements
    prices = [i["customerPrice"] for i in page["inventoryItems"]]
    assert len(prices) == 50 and prices[:4] == [5, 9, 5, 9]
    assert page["hasNextPage"] is True
    view_statements.statements.clear()
    at_location = """{ customerInventoryView(customerId: "CUST-GOLD", locationId: "LOC-A",
                       pageSize: 50) { inventoryItems { sku } } }"""
    assert len((await api.data(at_location))["customerInventoryView"]["inventoryItems"]) == 50
    assert len(view_statements.statements) == 1, view_statements.statements
