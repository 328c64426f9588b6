"""`customerInventoryView` on the compiled read path answers exactly as Strawberry does.

Each document goes to the session's gateway (planned reads on) and to one with
`PLANNED_READS=false` on the same database; the bodies must be equal value by value,
`lastUpdated` aside (each path reads its own instant: both must be ISO instants of now,
written alike). The prices cover every rule of `effective_price` and its roundings: a
tier price rounding half-up, a tenant's own tier discount, specific discounts, specific
prices whose discount quantizes half to even (12.125 -> 12.12, 12.375 -> 12.38), one a
fraction of a cent above the list price (`-0.00`), and a list price of 0.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.identity import Permission
from persistence.tables import customer_price_lists, customer_prices, parts, stock_levels
from tests.conftest import Api, token
from tests.e2e.test_customer_inventory_view_api import (  # noqa: F401 (the fixture `view_statements`)
    VIEW,
    ViewStatements,
    open_shop,
    view_statements,
)
from tests.e2e.test_planned_reads import unplanned  # noqa: F401 (the fixture)

ALL_FIELDS = """query($customer: ID!, $location: ID, $search: String, $index: Int, $size: Int) {
  customerInventoryView(customerId: $customer, locationId: $location, search: $search,
                        pageIndex: $index, pageSize: $size) {
    __typename customerId customerName customerTier tenantId lastUpdated pageIndex pageSize
    hasNextPage totalCount totalValue
    inventoryItems { __typename productId sku description availableQuantity reservedQuantity
      unitPrice customerPrice discountPercentage priceSource leadTime location }
    again: inventoryItems { sku ...Prices }
  }
}
fragment Prices on CustomerInventoryItem { p: customerPrice d: discountPercentage }"""
BENCH = """query($location: ID, $search: String, $index: Int) {
  customerInventoryView(customerId: "CUST-OWN", locationId: $location, search: $search,
                        pageIndex: $index, pageSize: 50) {
    customerName customerTier lastUpdated hasNextPage inventoryItems { sku description
      availableQuantity reservedQuantity unitPrice customerPrice discountPercentage leadTime
      location }
  }
}"""
# (list price, specific price, specific discount) of the parts EDGE-0..: what the
# customers' lines of them are; both None: no line, the tier's discount applies.
EDGES = [
    ("0.05", None, None),
    ("8.00", "7.03", None),
    ("8.00", "7.01", None),
    ("685.00", "685.01", None),
    ("0.00", "1.00", None),
    ("19.99", None, "25"),
    ("19.99", None, "12.50"),
    ("3.33", "3.33", None),
    ("10.00", "0.00", None),
]


async def _edges(engine: AsyncEngine, tenant: str) -> None:
    """Parts EDGE-n, 7 on hand at LOC-A, each priced by the lines above for both
    customers (CUST-GOLD has no list yet; CUST-OWN's was made by `open_shop`)."""
    async with engine.begin() as connection:
        await connection.execute(
            insert(parts),
            [
                {
                    "tenant_id": tenant,
                    "id": f"PART-EDGE-{n}",
                    "sku": f"EDGE-{n}",
                    "name": f"Edge {n}",
                    "unit_price": Decimal(price),
                }
                for n, (price, _, _) in enumerate(EDGES)
            ],
        )
        await connection.execute(
            insert(stock_levels),
            [
                {
                    "tenant_id": tenant,
                    "product_id": f"PART-EDGE-{n}",
                    "location_id": "LOC-A",
                    "sku": f"EDGE-{n}",
                    "on_hand": Decimal("7.5"),
                    "reserved": Decimal(n % 2),
                    "lead_time_days": n,
                }
                for n in range(len(EDGES))
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
                    "customer_id": customer,
                    "product_id": f"PART-EDGE-{n}",
                    "customer_price": None if price is None else Decimal(price),
                    "discount_percentage": None if off is None else Decimal(off),
                }
                for customer in ("CUST-GOLD", "CUST-OWN")
                for n, (_, price, off) in enumerate(EDGES)
                if price is not None or off is not None
            ],
        )


class Both:
    """One request to each gateway; equal bodies, `lastUpdated` a fresh instant on both."""

    def __init__(self, api: Api, ordinary: httpx.AsyncClient, statements: ViewStatements):
        self.api = api
        self.unplanned = ordinary
        self.statements = statements

    async def __call__(
        self,
        query: str,
        variables: dict[str, Any],
        *,
        permissions: list[str] | None = None,
        tenant: str | None = None,
        planned_statements: int | None = None,
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token(tenant or self.api.tenant, permissions)}"}
        body = {"query": query, "variables": variables}
        self.statements.statements.clear()
        planned = (await self.api.http.post("/graphql", json=body, headers=headers)).json()
        statements = list(self.statements.statements)
        ordinary = (await self.unplanned.post("/graphql", json=body, headers=headers)).json()
        assert _instants_apart(planned) == _instants_apart(ordinary), (query, variables)
        if planned_statements is not None:
            assert len(statements) == planned_statements, statements
        return planned


def _instants_apart(body: dict[str, Any]) -> dict[str, Any]:
    view = (body.get("data") or {}).get("customerInventoryView")
    if view is None or "lastUpdated" not in view:
        return body
    read_at = view["lastUpdated"]
    parsed = datetime.fromisoformat(read_at)
    assert parsed.isoformat() == read_at and parsed.tzinfo == UTC, read_at
    assert abs(parsed - datetime.now(UTC)) < timedelta(seconds=30)
    return {**body, "data": {"customerInventoryView": {**view, "lastUpdated": "now"}}}


@pytest.fixture
def both(
    api: Api,
    unplanned: httpx.AsyncClient,  # noqa: F811
    view_statements: ViewStatements,  # noqa: F811
) -> Both:
    return Both(api, unplanned, view_statements)


async def test_the_view_reads_the_same_on_both_paths(
    api: Api, both: Both, engine: AsyncEngine
) -> None:
    await open_shop(api)
    await _edges(engine, api.tenant)
    await api.data(
        """mutation { setTierDiscount(input: {tier: SILVER, discountPercent: "12.5"}) {
          discountPercent } }"""
    )
    await api.data(
        """mutation { createCustomer(input: {customerId: "CUST-SILVER", name: "Silver \\"Fleet\\""})
          { version } }"""
    )
    await api.data(
        """mutation { setCustomerTier(input: {customerId: "CUST-SILVER", tier: SILVER,
          version: 1}) { tier } }"""
    )
    for customer in ("CUST-GOLD", "CUST-OWN", "CUST-SILVER"):
        for variables in (
            {},
            {"size": 3},
            {"size": 3, "index": 1},
            {"size": 3, "index": 4},
            {"location": "LOC-A", "size": 50},
            {"location": "LOC-B"},
            {"search": "edge"},
            {"search": "  OIL "},
            {"search": "   "},
            {"search": "100%_"},
            {"location": "LOC-B", "search": "pad"},
        ):
            body = await both(ALL_FIELDS, {"customer": customer, **variables}, planned_statements=1)
            assert "errors" not in body, body
    body = await both(ALL_FIELDS, {"customer": "CUST-OWN", "search": "edge"})
    items = body["data"]["customerInventoryView"]["inventoryItems"]
    assert [(i["customerPrice"], i["discountPercentage"]) for i in items] == [
        ("0.05", "0"),
        ("7.03", "12.12"),
        ("7.01", "12.38"),
        ("685.01", "-0.00"),
        ("1.00", "0.00"),
        ("14.99", "25.00"),
        ("17.49", "12.50"),
        ("3.33", "0.00"),
        ("0.00", "100.00"),
    ]
    for location in (None, "LOC-A", "LOC-B"):
        await both(BENCH, {"location": location, "index": 0}, planned_statements=1)
        await both(VIEW, {"customer": "CUST-GOLD", "location": location}, planned_statements=1)


async def test_errors_are_the_ordinary_paths(api: Api, both: Both) -> None:
    """An unknown customer or location, a page out of range, a reader lacking one of the
    two permissions, another tenant: the planned gateway answers as Strawberry does."""
    await open_shop(api)
    codes = []
    for variables, permissions, tenant in (
        ({"customer": "CUST-404"}, None, None),
        ({"customer": "CUST-GOLD", "location": "LOC-Z"}, None, None),
        ({"customer": "CUST-GOLD", "size": 0}, None, None),
        ({"customer": "CUST-GOLD", "index": -1}, None, None),
        ({"customer": "CUST-GOLD"}, [Permission.INVENTORY_READ], None),
        ({"customer": "CUST-GOLD"}, [Permission.CUSTOMER_READ], None),
        ({"customer": "CUST-GOLD"}, None, f"{api.tenant}-other"),
    ):
        body = await both(ALL_FIELDS, variables, permissions=permissions, tenant=tenant)
        codes.append(body["errors"][0]["extensions"]["code"])
    assert codes == [
        "CUSTOMER_NOT_FOUND",
        "LOCATION_NOT_FOUND",
        "INVALID_PAGE_SIZE",
        codes[3],
        "FORBIDDEN",
        "FORBIDDEN",
        "CUSTOMER_NOT_FOUND",
    ]
    await api.data(
        'mutation { createLocation(input: {locationId: "LOC-Z", name: "New"}) { name } }'
    )
    body = await both(
        ALL_FIELDS, {"customer": "CUST-GOLD", "location": "LOC-Z"}, planned_statements=1
    )
    assert body["data"]["customerInventoryView"]["inventoryItems"] == []
