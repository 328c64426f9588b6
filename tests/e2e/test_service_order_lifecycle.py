"""A service order's life through the API: every allowed move, every refused one."""

from __future__ import annotations

import pytest

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
    completed,
    create_order,
    in_progress,
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
    done = (await api.data(COMPLETE, await read(api, {"id": order_id, "code": "RESOLVED"})))[
        "completeServiceOrder"
    ]
    assert (done["status"], done["resolutionCode"]) == ("COMPLETED", "RESOLVED")
    assert done["version"] == 5

    fetched = (await api.data(GET, {"id": order_id}))["serviceOrder"]
    assert fetched == done


async def test_an_order_is_rescheduled_until_work_starts(api: Api) -> None:
    shop = await open_shop(api)
    order_id = (await create_order(api, shop))["serviceOrderId"]
    await api.data(SCHEDULE, await read(api, {"id": order_id, "start": START, "end": END}))
    later = {"id": order_id, "start": "2026-01-26T08:00:00Z", "end": "2026-01-26T10:00:00Z"}
    moved = (await api.data(SCHEDULE, await read(api, later)))["scheduleServiceOrder"]
    assert (moved["status"], moved["scheduleStart"]) == ("SCHEDULED", "2026-01-26T08:00:00+00:00")
    await api.data(ASSIGN, await read(api, {"id": order_id, "tech": "TECH-001"}))
    still = (
        await api.data(SCHEDULE, await read(api, {"id": order_id, "start": START, "end": END}))
    )["scheduleServiceOrder"]
    assert still["status"] == "DISPATCHED"
    await api.data(START_WORK, await read(api, {"id": order_id}))

    assert await api.error_codes(
        SCHEDULE, await read(api, {"id": order_id, "start": START, "end": END})
    ) == ["INVALID_TRANSITION"]


async def test_a_visit_must_start_before_it_ends(api: Api) -> None:
    shop = await open_shop(api)
    order_id = (await create_order(api, shop))["serviceOrderId"]
    body = await api(SCHEDULE, await read(api, {"id": order_id, "start": END, "end": START}))
    [error] = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "scheduleEnd"}
    assert (await api.data(GET, {"id": order_id}))["serviceOrder"]["status"] == "REQUESTED"


@pytest.mark.parametrize(
    ("step", "variables"),
    [
        (ASSIGN, {"tech": "TECH-001"}),
        (START_WORK, {}),
        (COMPLETE, {"code": "RESOLVED"}),
    ],
)
async def test_a_requested_order_cannot_skip_ahead(
    api: Api, step: str, variables: dict[str, str]
) -> None:
    shop = await open_shop(api)
    order_id = (await create_order(api, shop))["serviceOrderId"]
    body = await api(step, await read(api, {"id": order_id, **variables}))
    [error] = body["errors"]
    assert error["extensions"]["code"] == "INVALID_TRANSITION"
    assert "REQUESTED" in error["message"]
    assert (await api.data(GET, {"id": order_id}))["serviceOrder"]["version"] == 1


async def test_work_cannot_start_before_dispatch_nor_complete_before_it_starts(api: Api) -> None:
    shop = await open_shop(api)
    order_id = (await create_order(api, shop))["serviceOrderId"]
    await api.data(SCHEDULE, await read(api, {"id": order_id, "start": START, "end": END}))
    assert await api.error_codes(START_WORK, await read(api, {"id": order_id})) == [
        "INVALID_TRANSITION"
    ]
    await api.data(ASSIGN, await read(api, {"id": order_id, "tech": "TECH-001"}))
    assert await api.error_codes(
        COMPLETE, await read(api, {"id": order_id, "code": "RESOLVED"})
    ) == ["INVALID_TRANSITION"]


@pytest.mark.parametrize("moves", [0, 1, 2, 3])
async def test_an_order_is_cancelled_from_any_state_before_completion(api: Api, moves: int) -> None:
    shop = await open_shop(api)
    order_id = (await create_order(api, shop))["serviceOrderId"]
    steps = [
        (SCHEDULE, {"start": START, "end": END}),
        (ASSIGN, {"tech": "TECH-001"}),
        (START_WORK, {}),
    ]
    for step, variables in steps[:moves]:
        await api.data(step, await read(api, {"id": order_id, **variables}))
    cancelled = (
        await api.data(CANCEL, await read(api, {"id": order_id, "reason": "Customer sold the van"}))
    )["cancelServiceOrder"]
    assert (cancelled["status"], cancelled["cancellationReason"]) == (
        "CANCELLED",
        "Customer sold the van",
    )
    assert await api.error_codes(
        SCHEDULE, await read(api, {"id": order_id, "start": START, "end": END})
    ) == ["INVALID_TRANSITION"]


async def test_a_completed_order_cannot_be_cancelled_and_a_reason_is_required(api: Api) -> None:
    shop = await open_shop(api)
    order_id = (await create_order(api, shop))["serviceOrderId"]
    body = await api(CANCEL, await read(api, {"id": order_id, "reason": "  "}))
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "reason"}
    done = await completed(api, shop)
    assert await api.error_codes(CANCEL, await read(api, {"id": done, "reason": "Too late"})) == [
        "INVALID_TRANSITION"
    ]


async def test_completion_cannot_be_in_the_future(api: Api) -> None:
    shop = await open_shop(api)
    order_id = await in_progress(api, shop)
    body = await api(
        COMPLETE, await read(api, {"id": order_id, "at": "2999-01-01T00:00:00Z", "code": "OK"})
    )
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "completionTime"}


async def test_creating_for_unknown_parties_is_refused_and_writes_nothing(api: Api) -> None:
    shop = await open_shop(api)
    other = (await api.data('mutation { createCustomer(input: {name: "Other"}) { customerId } }'))[
        "createCustomer"
    ]["customerId"]
    cases = [
        ({"customerId": "CUST-404"}, "CUSTOMER_NOT_FOUND", "customerId"),
        ({"vehicleId": "VEH-404"}, "VEHICLE_NOT_FOUND", "vehicleId"),
        ({"locationId": "LOC-404"}, "LOCATION_NOT_FOUND", "locationId"),
        ({"customerId": other}, "VEHICLE_NOT_OWNED", "vehicleId"),
        ({"description": ""}, "BAD_USER_INPUT", "description"),
        ({"serviceOrderId": "WO-1"}, "BAD_USER_INPUT", "serviceOrderId"),
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


async def test_a_chosen_number_is_kept_and_a_taken_one_refused(api: Api) -> None:
    shop = await open_shop(api)
    assert (await create_order(api, shop, serviceOrderId="SO-100"))["serviceOrderId"] == "SO-100"
    body = await api(
        CREATE,
        {
            "input": {
                "serviceOrderId": "SO-100",
                "customerId": shop["customer"],
                "vehicleId": shop["vehicle"],
                "locationId": LOCATION,
                "priority": "LOW",
                "description": "Again",
            }
        },
    )
    assert body["errors"][0]["extensions"] == {"code": "DUPLICATE_ID", "field": "serviceOrderId"}


async def test_another_tenants_order_is_not_found(api: Api) -> None:
    shop = await open_shop(api)
    order_id = (await create_order(api, shop))["serviceOrderId"]
    stranger = api.as_tenant(api.tenant + "-x")
    assert await stranger.error_codes(GET, {"id": order_id}) == ["SERVICE_ORDER_NOT_FOUND"]
    assert await stranger.error_codes(
        CANCEL, await read(api, {"id": order_id, "reason": "mine"})
    ) == ["SERVICE_ORDER_NOT_FOUND"]


async def test_a_stale_version_is_a_conflict(api: Api) -> None:
    shop = await open_shop(api)
    order_id = (await create_order(api, shop))["serviceOrderId"]
    await api.data(
        SCHEDULE, await read(api, {"id": order_id, "start": START, "end": END, "version": 1})
    )
    assert await api.error_codes(
        SCHEDULE, await read(api, {"id": order_id, "start": START, "end": END, "version": 1})
    ) == ["VERSION_CONFLICT"]


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
