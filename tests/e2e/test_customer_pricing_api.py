"""Customer pricing over HTTP: tiers, tier discounts, specific prices, the effective
price and the credit impact; the permission to change them, tenancy, a stale version,
and the pricing event on Kafka."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event, insert

from domain.identity import Permission
from persistence.tables import customer_price_lists, customer_prices, customers
from tests.conftest import Api, RunningGateway, Services
from tests.e2e.test_dataloaders import StatementLog
from tests.e2e.test_service_order_events import records_of
from tests.e2e.test_stock_ledger import numbers

SHOP = """
mutation($oil: CreatePartInput!, $pad: CreatePartInput!) {
  oil: createPart(input: $oil) { productId }
  pad: createPart(input: $pad) { productId }
  createCustomer(input: {customerId: "CUST-1", name: "Fleet Co"}) { tier creditLimit version }
}"""
DISCOUNT = """mutation($v: Int) {
  setTierDiscount(input: {tier: GOLD, discountPercent: "12", version: $v}) {
    tier discountPercent isDefault version
  }
}"""
TIER = """mutation($v: Int!) {
  setCustomerTier(input: {customerId: "CUST-1", tier: GOLD, version: $v}) { tier version }
}"""
UPDATE = """mutation($v: Int!, $prices: [CustomerPricingUpdate!]!) {
  updateCustomerPricing(input: {customerId: "CUST-1", version: $v, prices: $prices}) {
    customerId version items { sku listPrice customerPrice discountPercentage source }
  }
}"""
PRICE = """{ customerPrice(customerId: "CUST-1", productId: "PART-PAD") {
  sku listPrice customerPrice discountPercentage source } }"""
CUSTOMER = """{ customer(id: "CUST-1") {
  tier creditLimit prices { version items { sku customerPrice source } } } }"""
LIMIT = """mutation($v: Int!) {
  updateCustomer(input: {customerId: "CUST-1", version: $v, creditLimit: "500.00"}) {
    creditLimit version
  }
}"""
CREDIT = """{ creditImpact(customerId: "CUST-1", sku: "BRK-PAD", quantity: "6") {
  customerId productId sku quantity unitPrice totalValue creditLimit currentCreditUsed
  availableCredit creditImpact canProcessOrder } }"""
LINKED_PRICES = """{
  creditImpact(customerId: "CUST-1", sku: "BRK-PAD", quantity: "1") {
    customer { name } part { name } }
  customer(id: "CUST-1") { prices { customer { customerId } items { sku part { name } } } } }"""
OIL_PRICE = [{"sku": "OIL-5W30", "customerPrice": "8.00"}]


async def open_shop(api: Api) -> None:
    await api.data(
        SHOP,
        {
            "oil": {"productId": "PART-OIL", "sku": "OIL-5W30", "name": "Oil", "unitPrice": "9.99"},
            "pad": {
                "productId": "PART-PAD",
                "sku": "BRK-PAD",
                "name": "Pads",
                "unitPrice": "89.99",
            },
        },
    )


async def test_tiers_prices_and_credit_over_http(api: Api) -> None:
    await open_shop(api)
    assert numbers((await api.data(DISCOUNT, {"v": None}))["setTierDiscount"]) == {
        "tier": "GOLD",
        "discountPercent": 12,
        "isDefault": False,
        "version": 1,
    }
    assert (await api.data(TIER, {"v": 1}))["setCustomerTier"] == {"tier": "GOLD", "version": 2}
    assert numbers((await api.data(PRICE))["customerPrice"]) == {
        "sku": "BRK-PAD",
        "listPrice": Decimal("89.99"),
        "customerPrice": Decimal("79.19"),  # 89.99 x 0.88 = 79.1912
        "discountPercentage": 12,
        "source": "TIER",
    }
    updated = numbers(
        (
            await api.data(
                UPDATE,
                {
                    "v": 0,
                    "prices": [*OIL_PRICE, {"productId": "PART-PAD", "discountPercentage": "20"}],
                },
            )
        )["updateCustomerPricing"]
    )
    assert updated == {
        "customerId": "CUST-1",
        "version": 1,
        "items": [
            {
                "sku": "BRK-PAD",
                "listPrice": Decimal("89.99"),
                "customerPrice": Decimal("71.99"),
                "discountPercentage": 20,
                "source": "SPECIFIC_DISCOUNT",
            },
            {
                "sku": "OIL-5W30",
                "listPrice": Decimal("9.99"),
                "customerPrice": 8,
                "discountPercentage": Decimal("19.92"),
                "source": "SPECIFIC_PRICE",
            },
        ],
    }
    assert numbers((await api.data(LIMIT, {"v": 2}))["updateCustomer"]) == {
        "creditLimit": 500,
        "version": 3,
    }
    assert numbers((await api.data(CUSTOMER))["customer"]) == {
        "tier": "GOLD",
        "creditLimit": 500,
        "prices": {
            "version": 1,
            "items": [
                {
                    "sku": "BRK-PAD",
                    "customerPrice": Decimal("71.99"),
                    "source": "SPECIFIC_DISCOUNT",
                },
                {"sku": "OIL-5W30", "customerPrice": 8, "source": "SPECIFIC_PRICE"},
            ],
        },
    }
    assert numbers((await api.data(CREDIT))["creditImpact"]) == {
        "customerId": "CUST-1",
        "productId": "PART-PAD",
        "sku": "BRK-PAD",
        "quantity": 6,
        "unitPrice": Decimal("71.99"),
        "totalValue": Decimal("431.94"),
        "creditLimit": 500,
        "currentCreditUsed": 0,
        "availableCredit": 500,
        "creditImpact": Decimal("431.94"),
        "canProcessOrder": True,
    }
    linked = await api.data(LINKED_PRICES)
    assert linked["creditImpact"] == {"customer": {"name": "Fleet Co"}, "part": {"name": "Pads"}}
    assert linked["customer"]["prices"]["customer"] == {"customerId": "CUST-1"}
    assert {p["sku"]: p["part"]["name"] for p in linked["customer"]["prices"]["items"]} == {
        "BRK-PAD": "Pads",
        "OIL-5W30": "Oil",
    }


async def test_changing_prices_needs_its_permission_and_tenants_see_only_their_own(
    api: Api,
) -> None:
    await open_shop(api)
    clerk = api.as_tenant(api.tenant, [Permission.CUSTOMER_READ, Permission.CUSTOMER_WRITE])
    for mutation, variables in (
        (DISCOUNT, {"v": None}),
        (TIER, {"v": 1}),
        (UPDATE, {"v": 0, "prices": OIL_PRICE}),
    ):
        assert await clerk.error_codes(mutation, variables) == ["FORBIDDEN"]
    assert numbers((await clerk.data(PRICE))["customerPrice"])["source"] == "TIER"
    await api.data(DISCOUNT, {"v": None})
    stranger = api.as_tenant(f"{api.tenant}-other")
    assert await stranger.error_codes(PRICE) == ["CUSTOMER_NOT_FOUND"]
    assert await stranger.error_codes(UPDATE, {"v": 0, "prices": OIL_PRICE}) == [
        "CUSTOMER_NOT_FOUND"
    ]
    discounts = numbers(await stranger.data("{ tierDiscounts { tier discountPercent isDefault } }"))
    assert discounts["tierDiscounts"][2] == {
        "tier": "GOLD",
        "discountPercent": 10,
        "isDefault": True,
    }


async def test_a_stale_price_list_version_is_a_conflict_and_changes_nothing(api: Api) -> None:
    await open_shop(api)
    await api.data(UPDATE, {"v": 0, "prices": OIL_PRICE})
    stale = [{"sku": "OIL-5W30", "customerPrice": "7.00"}]
    assert await api.error_codes(UPDATE, {"v": 0, "prices": stale}) == ["VERSION_CONFLICT"]
    prices = numbers((await api.data(CUSTOMER))["customer"]["prices"])
    assert prices == {
        "version": 1,
        "items": [{"sku": "OIL-5W30", "customerPrice": 8, "source": "SPECIFIC_PRICE"}],
    }


async def test_a_pricing_update_is_published_in_the_crm_envelope(
    api: Api, services: Services
) -> None:
    await open_shop(api)
    await api.data(UPDATE, {"v": 0, "prices": OIL_PRICE})
    [record] = (await records_of(services, api.tenant, {"inventory.customer.pricing_updated": 1}))[
        "inventory.customer.pricing_updated"
    ]
    assert (record["eventType"], record["aggregateId"], record["tenantId"]) == (
        "CustomerPricingUpdatedEvent",
        "CUST-1",
        api.tenant,
    )
    assert record["payload"] == {
        "customerId": "CUST-1",
        "pricingUpdates": [
            {
                "productId": "PART-OIL",
                "sku": "OIL-5W30",
                "customerPrice": 8.0,
                "discountPercentage": None,
            }
        ],
        "version": 1,
    }


class PriceStatements(StatementLog):
    """Statements of the request that read customers' price lists."""

    def __call__(self, logged: Any) -> None:
        if "FROM customer_price" in logged.query:
            self.statements.append(logged.query)


@pytest.fixture
def price_statements(gateway: RunningGateway) -> Iterator[PriceStatements]:
    pool = gateway.app.state.engine.sync_engine.pool
    log = PriceStatements()
    event.listen(pool, "checkout", log.watch)
    yield log
    event.remove(pool, "checkout", log.watch)
    for driver_connection in log.watched:
        driver_connection.remove_query_logger(log)


PAGE = """query($size: Int) { searchCustomers(pageSize: $size) {
  items { customerId prices { version items { sku customerPrice } } } } }"""


async def test_a_page_of_customers_with_their_prices_reads_prices_in_two_statements(
    api: Api, gateway: RunningGateway, price_statements: PriceStatements
) -> None:
    await open_shop(api)
    async with gateway.app.state.engine.begin() as connection:
        await connection.execute(
            insert(customers),
            [
                {"tenant_id": api.tenant, "id": f"C-{i:03d}", "name": f"C {i:03d}"}
                for i in range(50)
            ],
        )
        await connection.execute(
            insert(customer_price_lists),
            [{"tenant_id": api.tenant, "customer_id": f"C-{i:03d}"} for i in range(50)],
        )
        await connection.execute(
            insert(customer_prices),
            [
                {
                    "tenant_id": api.tenant,
                    "customer_id": f"C-{i:03d}",
                    "product_id": "PART-OIL",
                    "customer_price": Decimal(i),
                }
                for i in range(50)
            ],
        )
    counts = {}
    for size in (5, 50):
        price_statements.statements.clear()
        page = (await api.data(PAGE, {"size": size}))["searchCustomers"]["items"]
        assert len(page) == size
        assert all(
            numbers(c["prices"]["items"])
            == [{"sku": "OIL-5W30", "customerPrice": int(c["customerId"][2:])}]
            for c in page
        )
        counts[size] = len(price_statements.statements)
    assert counts == {5: 2, 50: 2}, price_statements.statements
