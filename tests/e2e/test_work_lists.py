"""A customer, a vehicle and a location list their estimates and service orders as
connections, and the root lists estimates: pages, cursors, totals, filters, tenancy,
permissions, and statements that follow the request's shape, never its page sizes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event, insert

from domain.identity import Permission
from persistence.tables import customers, estimates, locations, service_orders, vehicles
from tests.conftest import ALL_PERMISSIONS, Api, RunningGateway
from tests.e2e import estimate_shop
from tests.e2e.service_order_steps import (
    ASSIGN,
    PADS,
    RECORD_PARTS,
    RECORD_SESSION,
    SCHEDULE,
    create_order,
    in_progress,
    open_shop,
    read,
    session,
)
from tests.e2e.test_dataloaders import StatementLog

CUSTOMERS_WITH_ESTIMATES = """query($size: Int, $first: Int) {
  searchCustomers(pageSize: $size) { items { customerId
    estimates(first: $first) { totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { estimateId customerId customer { customerId } } } } } } }"""
CUSTOMERS_WITH_ORDERS = """query($size: Int, $first: Int, $records: Boolean!) {
  searchCustomers(pageSize: $size) { items { customerId
    serviceOrders(first: $first) { totalCount pageInfo { hasNextPage }
      nodes { serviceOrderId customerId
        ... @include(if: $records) { workSessions { workSessionId } parts { sku }
          billableSnapshot { grandTotal } glEntries { account } } } } } } }"""
CUSTOMER_ESTIMATES = """query($id: ID!, $first: Int, $after: String, $status: [EstimateStatus!]) {
  customer(id: $id) { customerId estimates(first: $first, after: $after, status: $status) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { estimateId status } } nodes { estimateId } } } }"""
ROOT_ESTIMATES = """query($customer: ID, $vehicle: ID, $location: ID, $status: [EstimateStatus!],
  $since: DateTime, $until: DateTime, $index: Int, $size: Int) {
  estimates(customerId: $customer, vehicleId: $vehicle, locationId: $location, status: $status,
    since: $since, until: $until, pageIndex: $index, pageSize: $size) {
    items { estimateId status createdAt } pageIndex pageSize hasNextPage totalCount } }"""
CUSTOMER_ORDERS = """query($id: ID!) { customer(id: $id) { customerId
  serviceOrders(first: 10) { totalCount nodes { serviceOrderId } } } }"""


class WorkLog(StatementLog):
    """The test tenant's statements reading customers, vehicles, locations, estimates or
    service orders and their records: never a background task's (the SLA monitor scans
    every tenant's orders), whatever it shares the pool with."""

    def __init__(self, tenant: str) -> None:
        super().__init__()
        self.tenant = tenant

    TABLES = (
        "customers",
        "vehicles",
        "locations",
        "estimates",
        "estimate_items",
        "service_orders",
        "service_order_items",
        "work_sessions",
        "parts_usages",
        "billing_snapshots",
        "service_order_gl_entries",
    )

    def __call__(self, logged: Any) -> None:
        query = getattr(logged, "query", "")
        if self.tenant in (getattr(logged, "args", None) or ()) and any(
            f"FROM {table}" in query for table in self.TABLES
        ):
            self.statements.append(query)


@pytest.fixture
def work_log(gateway: RunningGateway, tenant: str) -> Iterator[WorkLog]:
    pool = gateway.app.state.engine.sync_engine.pool
    log = WorkLog(tenant)
    event.listen(pool, "checkout", log.watch)
    yield log
    event.remove(pool, "checkout", log.watch)
    for driver_connection in log.watched:
        driver_connection.remove_query_logger(log)


T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
FAR_AHEAD = datetime(2100, 1, 1, tzinfo=UTC)
"""SLA deadlines the SLA monitor will not act on while a test counts statements."""


async def _customers_with_work(gateway: RunningGateway, tenant: str, count: int) -> None:
    """`count` customers (`C-000`...), each with a vehicle, three estimates and three
    service orders at one location, written straight to the tables."""
    money = Decimal("0.00")
    async with gateway.app.state.engine.begin() as connection:
        await connection.execute(
            insert(locations), [{"tenant_id": tenant, "id": "LOC-001", "name": "North"}]
        )
        await connection.execute(
            insert(customers),
            [{"tenant_id": tenant, "id": f"C-{i:03d}", "name": f"C {i:03d}"} for i in range(count)],
        )
        await connection.execute(
            insert(vehicles),
            [
                {
                    "tenant_id": tenant,
                    "id": f"V-{i:03d}",
                    "customer_id": f"C-{i:03d}",
                    "vin": f"1HGBH41JXMN{i:06d}",
                }
                for i in range(count)
            ],
        )
        parties = {"location_id": "LOC-001"}
        await connection.execute(
            insert(estimates),
            [
                {
                    "tenant_id": tenant,
                    "id": f"E-{i:03d}-{n}",
                    "number": f"E-{i:03d}-{n}",
                    "revision": 1,
                    "status": "DRAFT",
                    "customer_id": f"C-{i:03d}",
                    "vehicle_id": f"V-{i:03d}",
                    **parties,
                    "created_by": "clerk",
                    "currency_uom_id": "USD",
                    "subtotal_services": money,
                    "subtotal_materials": money,
                    "discount_amount": money,
                    "tax_total": money,
                    "grand_total": money,
                    "item_count": 0,
                    "created_at": T0 + timedelta(minutes=n),
                }
                for i in range(count)
                for n in range(3)
            ],
        )
        await connection.execute(
            insert(service_orders),
            [
                {
                    "tenant_id": tenant,
                    "id": f"SO-{i:03d}-{n}",
                    "customer_id": f"C-{i:03d}",
                    "vehicle_id": f"V-{i:03d}",
                    **parties,
                    "priority": "HIGH",
                    "status": "REQUESTED",
                    "description": "Brakes",
                    "created_at": T0 + timedelta(minutes=n),
                    **{
                        name: FAR_AHEAD
                        for name in (
                            "response_due_at",
                            "resolution_due_at",
                            "response_at_risk_at",
                            "resolution_at_risk_at",
                        )
                    },
                }
                for i in range(count)
                for n in range(3)
            ],
        )


async def test_customers_with_their_first_estimates_cost_the_same_statements_at_any_size(
    api: Api, gateway: RunningGateway, work_log: WorkLog
) -> None:
    await _customers_with_work(gateway, api.tenant, 50)
    counts = {}
    for size, first in ((1, 1), (10, 2), (50, 5), (5, 50)):
        work_log.statements.clear()
        found = (await api.data(CUSTOMERS_WITH_ESTIMATES, {"size": size, "first": first}))[
            "searchCustomers"
        ]["items"]
        assert len(found) == size
        for customer in found:
            listed = customer["estimates"]
            shown = min(first, 3)
            assert [e["node"]["estimateId"] for e in listed["edges"]] == [
                f"E-{customer['customerId'][2:]}-{n}" for n in (2, 1, 0)[:shown]
            ]
            assert {e["node"]["customer"]["customerId"] for e in listed["edges"]} == {
                customer["customerId"]
            }
            assert listed["totalCount"] == 3
            assert listed["pageInfo"]["hasNextPage"] == (first < 3)
        counts[(size, first)] = len(work_log.statements)
    # The customers' page, every customer's page of estimate ids, the revisions with their
    # lines, one count, and the estimates' customers.
    assert set(counts.values()) == {5}, counts


async def test_customers_with_their_first_service_orders_cost_the_same_statements_at_any_size(
    api: Api, gateway: RunningGateway, work_log: WorkLog
) -> None:
    await _customers_with_work(gateway, api.tenant, 50)
    counts = {}
    for size, first, records in (
        (1, 1, False),
        (10, 2, False),
        (50, 5, False),
        (1, 1, True),
        (50, 5, True),
    ):
        work_log.statements.clear()
        variables = {"size": size, "first": first, "records": records}
        found = (await api.data(CUSTOMERS_WITH_ORDERS, variables))["searchCustomers"]["items"]
        assert len(found) == size
        for customer in found:
            listed = customer["serviceOrders"]
            assert [o["serviceOrderId"] for o in listed["nodes"]] == [
                f"SO-{customer['customerId'][2:]}-{n}" for n in (2, 1, 0)[: min(first, 3)]
            ]
            assert {o["customerId"] for o in listed["nodes"]} == {customer["customerId"]}
            assert all(
                o.get("workSessions", []) == [] and o.get("billableSnapshot") is None
                for o in listed["nodes"]
            )
            assert listed["totalCount"] == 3
        counts[(size, first, records)] = len(work_log.statements)
    # The customers' page, every customer's page of orders, their items and one count;
    # the four kinds of records recorded on orders only when the document asks for them.
    assert counts == {
        (1, 1, False): 4,
        (10, 2, False): 4,
        (50, 5, False): 4,
        (1, 1, True): 8,
        (50, 5, True): 8,
    }


ROOT_WITH_LINKS = """query($size: Int) { estimates(pageSize: $size) { items { estimateId
  customer { customerId } vehicle { vehicleId } location { locationId }
  serviceOrder { serviceOrderId } revisions { revision } } } }"""


async def test_a_page_of_estimates_with_every_link_costs_the_same_statements_at_any_size(
    api: Api, gateway: RunningGateway, work_log: WorkLog
) -> None:
    await _customers_with_work(gateway, api.tenant, 50)
    counts = {}
    for size in (1, 10, 100):
        work_log.statements.clear()
        found = (await api.data(ROOT_WITH_LINKS, {"size": size}))["estimates"]["items"]
        assert len(found) == size
        for estimate in found:
            owner = estimate["estimateId"][2:5]
            assert estimate["customer"] == {"customerId": f"C-{owner}"}
            assert estimate["vehicle"] == {"vehicleId": f"V-{owner}"}
            assert estimate["location"] == {"locationId": "LOC-001"}
            assert (estimate["serviceOrder"], estimate["revisions"]) == (None, [{"revision": 1}])
        counts[size] = len(work_log.statements)
    # The page's ids, its revisions with their lines, then one statement per link.
    assert set(counts.values()) == {7}, counts


async def _estimates_of_one_customer(api: Api, count: int) -> list[dict[str, Any]]:
    await estimate_shop.open_shop(api)
    return [await estimate_shop.draft(api) for _ in range(count)]


async def test_a_customers_estimates_page_on_with_cursors_newest_first(api: Api) -> None:
    drafts = await _estimates_of_one_customer(api, 5)
    newest_first = [d["estimateId"] for d in reversed(drafts)]
    seen: list[str] = []
    after = None
    pages = []
    while True:
        listed = (
            await api.data(CUSTOMER_ESTIMATES, {"id": "CUST-001", "first": 2, "after": after})
        )["customer"]["estimates"]
        assert listed["totalCount"] == 5
        assert listed["nodes"] == [{"estimateId": e["node"]["estimateId"]} for e in listed["edges"]]
        assert listed["pageInfo"]["hasPreviousPage"] == (after is not None)
        seen += [e["node"]["estimateId"] for e in listed["edges"]]
        pages.append(len(listed["edges"]))
        if not listed["pageInfo"]["hasNextPage"]:
            break
        after = listed["pageInfo"]["endCursor"]
    assert seen == newest_first
    assert pages == [2, 2, 1]
    # Any edge's cursor pages on from that edge, not only the end of a page.
    first_page = (await api.data(CUSTOMER_ESTIMATES, {"id": "CUST-001", "first": 3}))["customer"][
        "estimates"
    ]
    middle = first_page["edges"][0]["cursor"]
    rest = (await api.data(CUSTOMER_ESTIMATES, {"id": "CUST-001", "first": 10, "after": middle}))[
        "customer"
    ]["estimates"]
    assert [e["node"]["estimateId"] for e in rest["edges"]] == newest_first[1:]
    assert rest["pageInfo"]["hasNextPage"] is False


async def test_a_customers_estimates_narrowed_by_status(api: Api) -> None:
    await _estimates_of_one_customer(api, 2)
    submitted = await estimate_shop.submitted(api)
    pending = (
        await api.data(CUSTOMER_ESTIMATES, {"id": "CUST-001", "status": ["PENDING_APPROVAL"]})
    )["customer"]["estimates"]
    assert pending["totalCount"] == 1
    assert [e["node"] for e in pending["edges"]] == [
        {"estimateId": submitted["estimateId"], "status": "PENDING_APPROVAL"}
    ]
    drafts = (await api.data(CUSTOMER_ESTIMATES, {"id": "CUST-001", "status": ["DRAFT"]}))[
        "customer"
    ]["estimates"]
    assert drafts["totalCount"] == 2
    assert {e["node"]["status"] for e in drafts["edges"]} == {"DRAFT"}


async def test_a_cursor_or_a_size_out_of_range_is_refused_with_its_code(api: Api) -> None:
    await _estimates_of_one_customer(api, 1)
    for variables, code in (
        ({"after": "not-a-cursor"}, "INVALID_CURSOR"),
        ({"after": "cG9zaXRpb246LTE="}, "INVALID_CURSOR"),
        ({"first": 0}, "INVALID_PAGE_SIZE"),
        ({"first": 101}, "INVALID_PAGE_SIZE"),
    ):
        body = await api(CUSTOMER_ESTIMATES, {"id": "CUST-001", **variables})
        assert [e["extensions"]["code"] for e in body["errors"]] == [code], body
        assert body["data"] is None


async def test_the_root_lists_estimates_by_customer_location_status_and_creation(
    api: Api,
) -> None:
    drafts = await _estimates_of_one_customer(api, 3)
    other = await estimate_shop.run(
        api, estimate_shop.CREATE, customerId="CUST-002", vehicleId="VEH-002", locationId="LOC-001"
    )
    everything = (await api.data(ROOT_ESTIMATES, {"size": 2}))["estimates"]
    assert [e["estimateId"] for e in everything["items"]] == [
        other["estimateId"],
        drafts[2]["estimateId"],
    ]
    assert (everything["totalCount"], everything["hasNextPage"]) == (4, True)
    second = (await api.data(ROOT_ESTIMATES, {"size": 2, "index": 1}))["estimates"]
    assert [e["estimateId"] for e in second["items"]] == [
        drafts[1]["estimateId"],
        drafts[0]["estimateId"],
    ]
    assert second["hasNextPage"] is False
    mine = (await api.data(ROOT_ESTIMATES, {"customer": "CUST-001"}))["estimates"]
    assert mine["totalCount"] == 3
    by_vehicle = (await api.data(ROOT_ESTIMATES, {"vehicle": "VEH-002"}))["estimates"]
    assert [e["estimateId"] for e in by_vehicle["items"]] == [other["estimateId"]]
    assert (await api.data(ROOT_ESTIMATES, {"location": "LOC-999"}))["estimates"]["totalCount"] == 0
    assert (await api.data(ROOT_ESTIMATES, {"status": ["APPROVED", "PENDING_APPROVAL"]}))[
        "estimates"
    ]["items"] == []
    created = sorted(e["createdAt"] for e in everything["items"] + second["items"])
    since = (await api.data(ROOT_ESTIMATES, {"since": created[1]}))["estimates"]
    assert since["totalCount"] == 3
    until = (await api.data(ROOT_ESTIMATES, {"until": created[1]}))["estimates"]
    assert [e["estimateId"] for e in until["items"]] == [drafts[0]["estimateId"]]


async def test_a_customer_never_leads_to_another_tenants_work(api: Api) -> None:
    """Ids are per tenant: another tenant's CUST-001 is another customer."""
    await _estimates_of_one_customer(api, 2)
    await create_order(api, {"customer": "CUST-001", "vehicle": "VEH-001"})
    stranger = api.as_tenant(f"{api.tenant}-other")
    await estimate_shop.open_shop(stranger)
    theirs = (await stranger.data(CUSTOMER_ESTIMATES, {"id": "CUST-001"}))["customer"]
    assert theirs["estimates"]["totalCount"] == 0
    assert theirs["estimates"]["edges"] == []
    orders = (await stranger.data(CUSTOMER_ORDERS, {"id": "CUST-001"}))["customer"]
    assert orders["serviceOrders"] == {"totalCount": 0, "nodes": []}
    assert (await stranger.data(ROOT_ESTIMATES, {}))["estimates"]["totalCount"] == 0
    mine = (await api.data(CUSTOMER_ESTIMATES, {"id": "CUST-001"}))["customer"]
    assert mine["estimates"]["totalCount"] == 2
    assert (await api.data(CUSTOMER_ORDERS, {"id": "CUST-001"}))["customer"]["serviceOrders"][
        "totalCount"
    ] == 1


async def test_a_list_needs_the_read_permission_its_root_query_needs(api: Api) -> None:
    await _estimates_of_one_customer(api, 1)
    no_estimates = api.as_tenant(
        api.tenant, [p for p in ALL_PERMISSIONS if p != Permission.ESTIMATE_READ]
    )
    body = await no_estimates(CUSTOMER_ESTIMATES, {"id": "CUST-001"})
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    assert body["errors"][0]["path"] == ["customer", "estimates"]
    assert await no_estimates.error_codes(ROOT_ESTIMATES, {}) == ["FORBIDDEN"]
    no_orders = api.as_tenant(
        api.tenant, [p for p in ALL_PERMISSIONS if p != Permission.SERVICE_ORDER_READ]
    )
    body = await no_orders(CUSTOMER_ORDERS, {"id": "CUST-001"})
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    assert await no_orders.error_codes("{ serviceOrders { totalCount } }") == ["FORBIDDEN"]


VEHICLE_AND_LOCATION = """query($vehicle: ID!, $location: ID!) {
  vehicle(id: $vehicle) { estimates { totalCount } serviceOrders(status: [DISPATCHED]) {
    nodes { serviceOrderId technicianId technician { personId roles } } } }
  location(id: $location) { estimates(first: 1) { totalCount nodes { estimateId } }
    serviceOrders(priority: [LOW]) { totalCount } } }"""
REVISIONS = """query($id: ID!) { estimate(id: $id) { revisions { estimateId revision }
  previousRevision { estimateId } supersededBy { estimateId } } }"""


async def test_vehicles_and_locations_list_their_work_and_orders_lead_to_technicians(
    api: Api,
) -> None:
    shop = await open_shop(api)
    order_id = (await create_order(api, shop))["serviceOrderId"]
    await create_order(api, shop, priority="LOW")
    scheduled = {"id": order_id, "start": "2026-01-25T08:00:00Z", "end": "2026-01-25T12:30:00Z"}
    await api.data(SCHEDULE, await read(api, scheduled))
    await api.data(ASSIGN, await read(api, {"id": order_id, "tech": "TECH-001"}))
    await estimate_shop.run(
        api,
        estimate_shop.CREATE,
        customerId=shop["customer"],
        vehicleId=shop["vehicle"],
        locationId="LOC-001",
    )
    found = await api.data(
        VEHICLE_AND_LOCATION, {"vehicle": shop["vehicle"], "location": "LOC-001"}
    )
    assert found["vehicle"]["estimates"] == {"totalCount": 1}
    assert found["vehicle"]["serviceOrders"]["nodes"] == [
        {
            "serviceOrderId": order_id,
            "technicianId": "TECH-001",
            "technician": {"personId": "TECH-001", "roles": ["TECHNICIAN"]},
        }
    ]
    assert found["location"]["estimates"]["totalCount"] == 1
    assert found["location"]["serviceOrders"] == {"totalCount": 1}


async def test_a_revision_lists_every_revision_of_its_number(api: Api) -> None:
    await estimate_shop.open_shop(api)
    first = await estimate_shop.submitted(api)
    second = await estimate_shop.run(
        api, estimate_shop.REVISE, estimateId=first["estimateId"], version=first["version"]
    )
    linked = {}
    for revision in (first, second):
        listed = (await api.data(REVISIONS, {"id": revision["estimateId"]}))["estimate"]
        assert listed.pop("revisions") == [
            {"estimateId": first["estimateId"], "revision": 1},
            {"estimateId": second["estimateId"], "revision": 2},
        ]
        linked[revision["revision"]] = listed
    assert linked == {
        1: {"previousRevision": None, "supersededBy": {"estimateId": second["estimateId"]}},
        2: {"previousRevision": {"estimateId": first["estimateId"]}, "supersededBy": None},
    }


RECORDS = """workSessions { workSessionId personId billableMinutes person { roles } }
  parts { workorderPartId sku part { name } }"""
ORDER_RECORDS = f"query($id: ID!) {{ serviceOrder(id: $id) {{ {RECORDS} }} }}"
LISTED_RECORDS = f"""query($customer: ID!) {{
  serviceOrders(customerId: $customer) {{ items {{ serviceOrderId {RECORDS} }} }}
  customer(id: $customer) {{ serviceOrders {{ nodes {{ serviceOrderId {RECORDS} }} }} }} }}"""


async def test_lists_read_the_records_on_orders_only_when_asked_and_as_the_order_has_them(
    api: Api,
) -> None:
    shop = await open_shop(api)
    worked = await in_progress(api, shop)
    await api.data(RECORD_SESSION, await read(api, {"input": session(worked)}))
    await api.data(RECORD_PARTS, await read(api, {"id": worked, "parts": [PADS]}))
    idle = (await create_order(api, shop))["serviceOrderId"]
    whole = {
        order_id: (await api.data(ORDER_RECORDS, {"id": order_id}))["serviceOrder"]
        for order_id in (worked, idle)
    }
    assert len(whole[worked]["workSessions"]) == 1
    assert len(whole[worked]["parts"]) == 1
    listed = await api.data(LISTED_RECORDS, {"customer": shop["customer"]})
    for orders in (listed["serviceOrders"]["items"], listed["customer"]["serviceOrders"]["nodes"]):
        assert {o.pop("serviceOrderId"): o for o in orders} == whole


SETTINGS_OF_A_LOCATION = """{ taxCodes(locationId: "LOC-001") { taxCode location { name } }
  approvalPolicy(locationId: "LOC-001") { policyMode location { locationId } } }"""


async def test_a_locations_tax_codes_and_policy_lead_back_to_it(api: Api) -> None:
    await estimate_shop.open_shop(api)
    found = await api.data(SETTINGS_OF_A_LOCATION)
    assert {t["location"]["name"] for t in found["taxCodes"]} == {"Main shop"}
    assert found["approvalPolicy"] == {
        "policyMode": "LOCATION_SPECIFIC",
        "location": {"locationId": "LOC-001"},
    }


DASHBOARD = "{ operationsDashboard { locations { locationId openOrders location { name } } } }"


async def test_the_operations_dashboard_leads_to_each_location(api: Api) -> None:
    shop = await open_shop(api)
    await create_order(api, shop)
    [row] = (await api.data(DASHBOARD))["operationsDashboard"]["locations"]
    assert row == {"locationId": "LOC-001", "openOrders": 1, "location": {"name": "North"}}
    no_locations = api.as_tenant(
        api.tenant, [p for p in ALL_PERMISSIONS if p != Permission.LOCATION_READ]
    )
    body = await no_locations(DASHBOARD)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    assert body["data"]["operationsDashboard"]["locations"][0]["location"] is None
