"""Work sessions and parts recorded on an order through the API, with seed 001's rules."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api
from tests.e2e.service_order_steps import (
    GET,
    PADS,
    RECORD_PARTS,
    RECORD_SESSION,
    START,
    create_order,
    finalized,
    in_progress,
    open_shop,
    read,
    session,
)


async def errors(api: Api, variables: dict[str, Any]) -> list[tuple[str, str]]:
    body = await api(RECORD_SESSION, await read(api, variables))
    assert body.get("errors"), body
    return [(e["extensions"]["code"], e["extensions"].get("field")) for e in body["errors"]]


async def test_a_session_is_recorded_with_the_seed_fields(api: Api) -> None:
    shop = await open_shop(api)
    order_id = await in_progress(api, shop)
    order = (await api.data(RECORD_SESSION, await read(api, {"input": session(order_id)})))[
        "recordWorkSession"
    ]
    assert order["workSessions"] == [
        {
            "workSessionId": "WS-001",
            "personId": "TECH-001",
            "billableMinutes": 240,
            "recordedBy": "TECH-001",
        }
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"endTime": START}, [("INVALID_SESSION_TIMES", "endTime")]),
        ({"billableMinutes": 241}, [("BILLABLE_MINUTES_EXCEED_WORKED", "billableMinutes")]),
        ({"personId": "NOBODY"}, [("INVALID_PERSON_ID", "personId")]),
        ({"recordedBy": "CLERK-1"}, [("RECORDER_ROLE_NOT_ALLOWED", "recordedBy")]),
        (
            {"recordedBy": "CLERK-1", "billableMinutes": 999},
            [
                ("RECORDER_ROLE_NOT_ALLOWED", "recordedBy"),
                ("BILLABLE_MINUTES_EXCEED_WORKED", "billableMinutes"),
            ],
        ),
    ],
)
async def test_a_session_breaking_a_rule_is_refused_with_its_code(
    api: Api, change: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    shop = await open_shop(api)
    order_id = await in_progress(api, shop)
    assert await errors(api, {"input": session(order_id, **change)}) == expected
    assert (await api.data(GET, {"id": order_id}))["serviceOrder"]["workSessions"] == []


async def test_a_person_must_work_at_the_orders_location(api: Api) -> None:
    shop = await open_shop(api)
    await api.data(
        'mutation { createLocation(input: {locationId: "LOC-002", name: "South"}) { locationId } }'
    )
    await api.data(
        'mutation { savePerson(input: {personId: "TECH-SOUTH", name: "Sam", '
        'roles: ["TECHNICIAN"], locationIds: ["LOC-002"]}) { personId } }'
    )
    order_id = await in_progress(api, shop)
    assert await errors(api, {"input": session(order_id, personId="TECH-SOUTH")}) == [
        ("PERSON_NOT_ASSIGNED_TO_LOCATION", "personId")
    ]


async def test_sessions_are_only_recorded_while_work_runs_and_once(api: Api) -> None:
    shop = await open_shop(api)
    requested = (await create_order(api, shop))["serviceOrderId"]
    assert await errors(api, {"input": session(requested)}) == [("INVALID_TRANSITION", "status")]
    order_id = await in_progress(api, shop)
    await api.data(
        RECORD_SESSION, await read(api, {"input": session(order_id, workSessionId="S-1")})
    )
    assert await errors(api, {"input": session(order_id, workSessionId="S-1")}) == [
        ("DUPLICATE_WORK_SESSION", "workSessionId")
    ]
    done = await finalized(api, shop)
    assert await errors(api, {"input": session(done)}) == [("SNAPSHOT_ALREADY_FINALIZED", None)]


async def test_parts_are_recorded_once_and_checked(api: Api) -> None:
    shop = await open_shop(api)
    order_id = await in_progress(api, shop)
    unknown = {**PADS, "workorderPartId": None, "productId": "PROD-WIPER", "sku": "WIPER"}
    body = await api(RECORD_PARTS, await read(api, {"id": order_id, "parts": [PADS, unknown]}))
    assert body["errors"][0]["extensions"] == {
        "code": "PART_NOT_FOUND",
        "field": "parts.1.productId",
    }
    declined = {**PADS, "workorderPartId": None, "declined": True}
    order = (
        await api.data(RECORD_PARTS, await read(api, {"id": order_id, "parts": [PADS, declined]}))
    )["recordPartsUsage"]
    assert [(p["workorderPartId"], p["lineTotal"], p["declined"]) for p in order["parts"]] == [
        ("WOP-001", "179.98", False),
        ("WOP-002", "0.00", True),
    ]
    body = await api(RECORD_PARTS, await read(api, {"id": order_id, "parts": [PADS]}))
    assert body["errors"][0]["extensions"] == {"code": "DUPLICATE_ID", "field": "workorderPartId"}
    body = await api(
        RECORD_PARTS,
        await read(
            api, {"id": order_id, "parts": [{**PADS, "workorderPartId": "X", "quantity": "0"}]}
        ),
    )
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "quantity"}
    fetched = (await api.data(GET, {"id": order_id}))["serviceOrder"]
    assert [p["workorderPartId"] for p in fetched["parts"]] == ["WOP-001", "WOP-002"]
