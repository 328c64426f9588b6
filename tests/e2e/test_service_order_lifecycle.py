"""A service order's life through the API: each mutation's happy path, tenancy, listing and
permissions. The rules (every move refused, input checks, version conflicts) are tested
on the use cases: tests/use_cases/test_service_orders.py."""

from __future__ import annotations

from domain.identity import Permission
from tests.conftest import Api
from tests.e2e.service_order_steps import (
    ASSIGN,
    CANCEL,
    COMPLETE,
    CREATE,
    END,
    GET,
    LOCATION,
    SCHEDULE,
    START,
    START_WORK,
    create_order,
    open_shop,
    read,
)

COUNT = "query($s: [ServiceOrderStatus!]) { serviceOrders(status: $s) { totalCount } }"


async def test_an_order_goes_from_requested_to_completed(api: Api) -> None:
    shop = await open_shop(api)
    created = await create_order(api, shop)
    order_id = created["serviceOrderId"]
    assert (order_id, created["status"], created["version"]) == ("SO-001", "REQUESTED", 1)
    assert created["sla"]["atRisk"] is False and created["sla"]["breached"] is False

    scheduled = (
        await api.data(SCHEDULE, await read(api, {"id": order_id, "start": START, "end": END}))
    )["scheduleServiceOrder"]
    assert (scheduled["status"], scheduled["scheduleStart"]) == (
        "SCHEDULED",
        "2026-01-25T08:00:00+00:00",
    )
    dispatched = (await api.data(ASSIGN, await read(api, {"id": order_id, "tech": "TECH-001"})))[
        "assignTechnician"
    ]
    assert (dispatched["status"], dispatched["technicianId"]) == ("DISPATCHED", "TECH-001")
    started = (await api.data(START_WORK, await read(api, {"id": order_id})))["startServiceOrder"]
    assert started["status"] == "IN_PROGRESS" and started["startedAt"]
    at = started["startedAt"]
    done = (
        await api.data(COMPLETE, await read(api, {"id": order_id, "at": at, "code": "RESOLVED"}))
    )["completeServiceOrder"]
    assert (done["status"], done["resolutionCode"]) == ("COMPLETED", "RESOLVED")
    assert done["completionTime"] == at
    assert done["version"] == 5

    fetched = (await api.data(GET, {"id": order_id}))["serviceOrder"]
    assert fetched == done


async def test_an_order_is_cancelled_with_its_reason(api: Api) -> None:
    """Every state it may be cancelled from, and what it refuses then: the use-case tier."""
    shop = await open_shop(api)
    order_id = (await create_order(api, shop))["serviceOrderId"]
    cancelled = (
        await api.data(CANCEL, await read(api, {"id": order_id, "reason": "Customer sold the van"}))
    )["cancelServiceOrder"]
    assert (cancelled["status"], cancelled["cancellationReason"], cancelled["version"]) == (
        "CANCELLED",
        "Customer sold the van",
        2,
    )
    assert cancelled["cancelledAt"]


async def test_creating_for_unknown_parties_is_refused_and_writes_nothing(api: Api) -> None:
    """The shared parties statement's misses, on the real tables (input rules: use-case tier)."""
    shop = await open_shop(api)
    other = (await api.data('mutation { createCustomer(input: {name: "Other"}) { customerId } }'))[
        "createCustomer"
    ]["customerId"]
    cases = [
        ({"customerId": "CUST-404"}, "CUSTOMER_NOT_FOUND", "customerId"),
        ({"vehicleId": "VEH-404"}, "VEHICLE_NOT_FOUND", "vehicleId"),
        ({"locationId": "LOC-404"}, "LOCATION_NOT_FOUND", "locationId"),
        ({"customerId": other}, "VEHICLE_NOT_OWNED", "vehicleId"),
    ]
    for change, code, field in cases:
        body = await api(
            CREATE,
            {
                "input": {
                    "customerId": shop["customer"],
                    "vehicleId": shop["vehicle"],
                    "locationId": LOCATION,
                    "priority": "LOW",
                    "description": "Oil change",
                    **change,
                }
            },
        )
        assert [e["extensions"] for e in body["errors"]] == [{"code": code, "field": field}]
    assert (await api.data(COUNT))["serviceOrders"]["totalCount"] == 0
    first = await create_order(api, shop)
    assert first["serviceOrderId"] == "SO-001"


async def test_a_chosen_number_is_kept(api: Api) -> None:
    shop = await open_shop(api)
    assert (await create_order(api, shop, serviceOrderId="SO-100"))["serviceOrderId"] == "SO-100"


async def test_another_tenants_order_is_not_found(api: Api) -> None:
    shop = await open_shop(api)
    order_id = (await create_order(api, shop))["serviceOrderId"]
    stranger = api.as_tenant(api.tenant + "-x")
    assert await stranger.error_codes(GET, {"id": order_id}) == ["SERVICE_ORDER_NOT_FOUND"]
    assert await stranger.error_codes(
        CANCEL, await read(api, {"id": order_id, "reason": "mine"})
    ) == ["SERVICE_ORDER_NOT_FOUND"]


async def test_orders_are_listed_newest_first_and_filtered(api: Api) -> None:
    shop = await open_shop(api)
    low = (await create_order(api, shop, priority="LOW"))["serviceOrderId"]
    high = (await create_order(api, shop, priority="CRITICAL"))["serviceOrderId"]
    await api.data(CANCEL, await read(api, {"id": low, "reason": "dup"}))
    query = """query($loc: ID, $s: [ServiceOrderStatus!], $p: [Priority!], $size: Int) {
      serviceOrders(locationId: $loc, status: $s, priority: $p, pageSize: $size) {
        items { serviceOrderId status priority } totalCount hasNextPage } }"""

    async def ids(**variables: object) -> list[str]:
        page = (await api.data(query, variables))["serviceOrders"]
        return [item["serviceOrderId"] for item in page["items"]]

    assert await ids() == [high, low]
    assert await ids(loc=LOCATION, s=["REQUESTED"]) == [high]
    assert await ids(p=["LOW"]) == [low]
    assert await ids(loc="LOC-999") == []
    first = (await api.data(query, {"size": 1}))["serviceOrders"]
    assert (first["hasNextPage"], first["totalCount"]) == (True, 2)
    assert await api.error_codes(query, {"size": 101}) == ["INVALID_PAGE_SIZE"]


async def test_changing_orders_and_billing_need_their_permissions(api: Api) -> None:
    shop = await open_shop(api)
    order_id = (await create_order(api, shop))["serviceOrderId"]
    reader = api.as_tenant(api.tenant, [Permission.SERVICE_ORDER_READ])
    assert (await reader.data(GET, {"id": order_id}))["serviceOrder"]["status"] == "REQUESTED"
    assert await reader.error_codes(CANCEL, await read(api, {"id": order_id, "reason": "no"})) == [
        "FORBIDDEN"
    ]
    clerk = api.as_tenant(api.tenant, [Permission.SERVICE_ORDER_WRITE])
    assert await clerk.error_codes(
        'mutation { billServiceOrder(serviceOrderId: "SO-001", version: 1) { status } }'
    ) == ["FORBIDDEN"]
    assert await api.error_codes(GET, {"id": order_id}, authorize=False) == ["UNAUTHENTICATED"]
