"""Dashboards watching domain events over websockets, against a running gateway."""

from __future__ import annotations

import pytest

from domain.identity import Permission
from tests.conftest import Api, RunningGateway, token
from tests.graphql_ws import LEGACY_WS, TRANSPORT_WS, Subscriber

WATCH = """subscription($types: [String!], $aggregateId: ID, $since: String) {
  domainEvents(types: $types, aggregateId: $aggregateId, since: $since) {
    cursor eventId eventType aggregateType aggregateId occurredAt payload } }"""
CREATE = "mutation($name: String!) { createCustomer(input: {name: $name}) { customerId } }"
RENAME = """mutation($id: ID!, $version: Int!, $name: String!) {
  updateCustomer(input: {customerId: $id, version: $version, name: $name}) { version } }"""


async def _watch(
    gateway: RunningGateway,
    tenant: str,
    protocol: str = TRANSPORT_WS,
    permissions: list[str] | None = None,
    **variables: object,
) -> Subscriber:
    subscriber = await Subscriber(gateway.url, token(tenant, permissions), protocol).connect()
    await subscriber.acknowledged()
    await subscriber.subscribe(WATCH, variables)
    return subscriber


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_a_new_customer_reaches_a_dashboard_live(
    api: Api, gateway: RunningGateway, protocol: str
) -> None:
    subscriber = await _watch(gateway, api.tenant, protocol)
    try:
        created = await api.data(CREATE, {"name": "Walter White"})
        event = (await subscriber.next_data())["domainEvents"]
    finally:
        await subscriber.close()
    customer_id = created["createCustomer"]["customerId"]
    assert event["eventType"] == "CustomerCreatedEvent"
    assert (event["aggregateType"], event["aggregateId"]) == ("customer", customer_id)
    assert event["payload"]["name"] == "Walter White"
    assert event["payload"]["customerId"] == customer_id
    assert event["cursor"].isdigit()


async def test_filters_by_type_and_aggregate_deliver_only_what_was_asked(
    api: Api, gateway: RunningGateway
) -> None:
    first = (await api.data(CREATE, {"name": "Ann"}))["createCustomer"]["customerId"]
    second = (await api.data(CREATE, {"name": "Bob"}))["createCustomer"]["customerId"]
    subscriber = await _watch(
        gateway, api.tenant, types=["CustomerUpdatedEvent"], aggregateId=second
    )
    await gateway.subscribed(api.tenant)
    try:
        await api.data(RENAME, {"id": first, "version": 1, "name": "Ann B."})
        await api.data(CREATE, {"name": "Cy"})
        await api.data(RENAME, {"id": second, "version": 1, "name": "Bob C."})
        # Events arrive in the order they happened: one the filters let through by
        # mistake would come before this one.
        event = (await subscriber.next_data())["domainEvents"]
        assert (event["eventType"], event["aggregateId"]) == ("CustomerUpdatedEvent", second)
        assert event["payload"]["name"] == "Bob C."
        await api.data(RENAME, {"id": second, "version": 2, "name": "Bob D."})
        control = (await subscriber.next_data())["domainEvents"]
    finally:
        await subscriber.close()
    assert control["payload"]["name"] == "Bob D.", "the next event is the next match"


async def test_another_tenants_changes_never_reach_a_dashboard(
    api: Api, gateway: RunningGateway
) -> None:
    subscriber = await _watch(gateway, api.tenant)
    await gateway.subscribed(api.tenant)
    try:
        await api.as_tenant(api.tenant + "-other").data(CREATE, {"name": "Not yours"})
        # Positive control: the tenant's own change, made after, is the first event.
        await api.data(CREATE, {"name": "Yours"})
        event = (await subscriber.next_data())["domainEvents"]
    finally:
        await subscriber.close()
    assert event["payload"]["name"] == "Yours"


async def test_events_are_checked_against_the_permissions_of_the_token(
    api: Api, gateway: RunningGateway
) -> None:
    only_vehicles = [Permission.EVENTS_READ, Permission.VEHICLE_READ]
    subscriber = await _watch(gateway, api.tenant, permissions=only_vehicles)
    try:
        owner = (await api.data(CREATE, {"name": "Fleet Co"}))["createCustomer"]["customerId"]
        await api.data(
            "mutation($c: ID!) { createVehicle(input: {customerId: $c, "
            'vin: "1HGBH41JXMN109186"}) { vehicleId } }',
            {"c": owner},
        )
        event = (await subscriber.next_data())["domainEvents"]
        assert event["eventType"] == "VehicleRegisteredEvent"
    finally:
        await subscriber.close()


async def test_a_dashboard_that_reconnects_with_since_misses_nothing_and_sees_nothing_twice(
    api: Api, gateway: RunningGateway
) -> None:
    subscriber = await _watch(gateway, api.tenant)
    customer = (await api.data(CREATE, {"name": "v1"}))["createCustomer"]["customerId"]
    seen = [(await subscriber.next_data())["domainEvents"]]
    await subscriber.close()

    for n in range(2, 5):
        await api.data(RENAME, {"id": customer, "version": n - 1, "name": f"v{n}"})
    subscriber = await _watch(gateway, api.tenant, since=seen[-1]["cursor"])
    try:
        for _ in range(3):
            seen.append((await subscriber.next_data())["domainEvents"])
        await api.data(RENAME, {"id": customer, "version": 4, "name": "v5"})
        seen.append((await subscriber.next_data())["domainEvents"])
        # Positive control: the next change is the next event, nothing seen twice before it.
        await api.data(RENAME, {"id": customer, "version": 5, "name": "v6"})
        control = (await subscriber.next_data())["domainEvents"]
    finally:
        await subscriber.close()
    assert [e["payload"]["name"] for e in seen] == ["v1", "v2", "v3", "v4", "v5"]
    assert control["payload"]["name"] == "v6"
    cursors = [int(e["cursor"]) for e in seen]
    assert cursors == sorted(set(cursors))


async def test_a_cursor_that_is_not_one_is_bad_user_input(
    api: Api, gateway: RunningGateway
) -> None:
    subscriber = await _watch(gateway, api.tenant, since="yesterday")
    try:
        message = await subscriber.receive()
    finally:
        await subscriber.close()
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "since"}


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_a_websocket_without_a_token_is_closed_4401(
    gateway: RunningGateway, protocol: str
) -> None:
    subscriber = await Subscriber(gateway.url, None, protocol).connect()
    assert await subscriber.close_code() == 4401


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_a_websocket_with_a_bad_token_is_closed_4403(
    gateway: RunningGateway, protocol: str
) -> None:
    subscriber = await Subscriber(gateway.url, "not-a-jwt", protocol).connect()
    assert await subscriber.close_code() == 4403


async def test_a_subscription_without_the_events_permission_is_forbidden(
    api: Api, gateway: RunningGateway
) -> None:
    subscriber = await _watch(gateway, api.tenant, permissions=[Permission.CUSTOMER_READ])
    try:
        message = await subscriber.receive()
    finally:
        await subscriber.close()
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
