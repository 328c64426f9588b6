"""Estimates and service orders lead to their customer, vehicle, location and each other,
through the request's DataLoaders: the statements of a page do not grow with its size."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event

from domain.identity import Permission
from tests.conftest import ALL_PERMISSIONS, Api, RunningGateway
from tests.e2e.service_order_steps import create_order, open_shop
from tests.e2e.test_dataloaders import StatementLog
from tests.e2e.test_service_order_from_estimate import approved_estimate

LINKED = """query($size: Int) { serviceOrders(pageSize: $size) { items {
  serviceOrderId customerId customer { customerId name } vehicle { vehicleId vin }
  location { locationId name } } } }"""
FROM_ESTIMATE = """mutation($id: ID!) { createServiceOrderFromEstimate(input: {estimateId: $id,
  priority: HIGH}) { serviceOrderId estimate { estimateId status customer { customerId } } } }"""
ESTIMATE = """query($id: ID!) { estimate(id: $id) {
  serviceOrder { serviceOrderId } customer { customerId } location { locationId } } }"""


class PartiesLog(StatementLog):
    """Statements reading the linked parties (customers, vehicles, locations)."""

    def __call__(self, logged: object) -> None:
        query = getattr(logged, "query", "")
        if any(f"FROM {table}" in query for table in ("customers", "vehicles", "locations")):
            self.statements.append(query)


@pytest.fixture
def parties(gateway: RunningGateway) -> Iterator[PartiesLog]:
    pool = gateway.app.state.engine.sync_engine.pool
    log = PartiesLog()
    event.listen(pool, "checkout", log.watch)
    yield log
    event.remove(pool, "checkout", log.watch)
    for driver_connection in log.watched:
        driver_connection.remove_query_logger(log)


async def test_a_page_of_orders_with_their_parties_costs_the_same_statements_at_any_size(
    api: Api, parties: PartiesLog
) -> None:
    shop = await open_shop(api)
    for _ in range(12):
        await create_order(api, shop)
    counts = {}
    for size in (1, 12):
        parties.statements.clear()
        page = (await api.data(LINKED, {"size": size}))["serviceOrders"]["items"]
        assert len(page) == size
        assert {o["customer"]["customerId"] for o in page} == {shop["customer"]}
        assert {o["vehicle"]["vehicleId"] for o in page} == {shop["vehicle"]}
        assert {o["location"]["name"] for o in page} == {"North"}
        counts[size] = len(parties.statements)
    # One statement: the compiled read path builds the page with its parties in SQL.
    assert counts == {1: 1, 12: 1}, parties.statements


async def test_an_estimate_and_its_order_lead_to_each_other(api: Api) -> None:
    estimate = await approved_estimate(api)
    order = (await api.data(FROM_ESTIMATE, {"id": estimate["estimateId"]}))[
        "createServiceOrderFromEstimate"
    ]
    assert order["estimate"] == {
        "estimateId": estimate["estimateId"],
        "status": "APPROVED",
        "customer": {"customerId": estimate["customerId"]},
    }
    linked = (await api.data(ESTIMATE, {"id": estimate["estimateId"]}))["estimate"]
    assert linked == {
        "serviceOrder": {"serviceOrderId": order["serviceOrderId"]},
        "customer": {"customerId": estimate["customerId"]},
        "location": {"locationId": "LOC-001"},
    }


async def test_a_link_needs_the_read_permission_of_what_it_leads_to(api: Api) -> None:
    shop = await open_shop(api)
    await create_order(api, shop)
    no_customers = Api(
        api.http, api.tenant, [p for p in ALL_PERMISSIONS if p != Permission.CUSTOMER_READ]
    )
    body = await no_customers(LINKED, {"size": 1})
    [order] = body["data"]["serviceOrders"]["items"]
    assert order["customer"] is None
    assert order["vehicle"]["vehicleId"] == shop["vehicle"]
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
