"""Identical subscriptions share one execution: what each dashboard sees stays its own."""

from __future__ import annotations

from domain.identity import Permission
from gateway.auth import issue_token
from tests.conftest import JWT_SECRET, Api, RunningGateway, token
from tests.graphql_ws import LEGACY_WS, TRANSPORT_WS, Subscriber

WATCH = """subscription($types: [String!], $since: String) {
  domainEvents(types: $types, since: $since) { cursor eventType payload } }"""
CREATE = "mutation($name: String!) { createCustomer(input: {name: $name}) { customerId } }"
REGISTER = """mutation($c: ID!) {
  createVehicle(input: {customerId: $c, vin: "1HGBH41JXMN109186"}) { vehicleId } }"""
CREATED = {"types": ["CustomerCreatedEvent"]}


async def _watch(
    gateway: RunningGateway,
    bearer: str,
    variables: dict[str, object],
    protocol: str = TRANSPORT_WS,
    query: str = WATCH,
) -> Subscriber:
    subscriber = await Subscriber(gateway.url, bearer, protocol).connect()
    await subscriber.acknowledged()
    await subscriber.subscribe(query, variables)
    return subscriber


async def _name(subscriber: Subscriber) -> str:
    return (await subscriber.next_data())["domainEvents"]["payload"]["name"]


async def test_identical_dashboards_each_get_every_event_and_one_leaving_stops_no_other(
    api: Api, gateway: RunningGateway
) -> None:
    bearer = token(api.tenant)
    watchers = [
        await _watch(gateway, bearer, CREATED, protocol)
        for protocol in (TRANSPORT_WS, TRANSPORT_WS, LEGACY_WS)
    ]
    try:
        await api.data(CREATE, {"name": "First"})
        assert [await _name(watcher) for watcher in watchers] == ["First"] * 3
        await watchers[0].close()
        await api.data(CREATE, {"name": "Second"})
        assert [await _name(watcher) for watcher in watchers[1:]] == ["Second"] * 2
    finally:
        for watcher in watchers:
            await watcher.close()


async def test_a_dashboard_that_completes_its_operation_leaves_the_others_running(
    api: Api, gateway: RunningGateway
) -> None:
    bearer = token(api.tenant)
    leaving = await _watch(gateway, bearer, CREATED)
    staying = await _watch(gateway, bearer, CREATED)
    try:
        await leaving._send({"id": "1", "type": "complete"})
        await api.data(CREATE, {"name": "After"})
        assert await _name(staying) == "After"
        # Positive control: the same socket subscribes again; its first message is the
        # new operation's first event, so the completed one sent nothing after it ended.
        await leaving.subscribe(WATCH, CREATED, operation_id="2")
        await api.data(CREATE, {"name": "Again"})
        assert await _name(staying) == "Again"
        message = await leaving.receive()
    finally:
        await leaving.close()
        await staying.close()
    assert message["id"] == "2"
    assert message["payload"]["data"]["domainEvents"]["payload"]["name"] == "Again"


async def test_a_token_without_the_read_permission_sees_nothing_beside_one_that_has_it(
    api: Api, gateway: RunningGateway
) -> None:
    allowed = await _watch(gateway, token(api.tenant), CREATED)
    blind_to_customers = [Permission.EVENTS_READ, Permission.VEHICLE_READ]
    blind = await _watch(gateway, token(api.tenant, blind_to_customers), CREATED)
    # Positive control on the same socket: vehicle events, which this token may read.
    await blind.subscribe(WATCH, {"types": ["VehicleRegisteredEvent"]}, operation_id="2")
    await gateway.subscribed(api.tenant, 3)
    try:
        owner = (await api.data(CREATE, {"name": "Visible"}))["createCustomer"]["customerId"]
        assert await _name(allowed) == "Visible"
        await api.data(REGISTER, {"c": owner})
        message = await blind.receive()
    finally:
        await allowed.close()
        await blind.close()
    assert (message["id"], message["payload"]["data"]["domainEvents"]["eventType"]) == (
        "2",
        "VehicleRegisteredEvent",
    ), "the customer event, which came first, never reached the blind token"


async def test_an_expiring_token_closes_its_own_socket_while_the_others_watch_on(
    api: Api, gateway: RunningGateway
) -> None:
    everything = sorted(Permission.all())
    short = issue_token(
        JWT_SECRET, tenant=api.tenant, user="u", permissions=everything, ttl_seconds=2
    )
    expiring = await _watch(gateway, short, CREATED)
    lasting = await _watch(gateway, token(api.tenant), CREATED)
    try:
        assert await expiring.close_code(timeout=10) == 4401
        await api.data(CREATE, {"name": "Still watched"})
        assert await _name(lasting) == "Still watched"
    finally:
        await expiring.close()
        await lasting.close()


async def test_a_dashboard_replaying_from_a_cursor_gets_its_own_replay(
    api: Api, gateway: RunningGateway
) -> None:
    bearer = token(api.tenant)
    first = await _watch(gateway, bearer, CREATED)
    try:
        await api.data(CREATE, {"name": "Before"})
        cursor = (await first.next_data())["domainEvents"]["cursor"]
        await api.data(CREATE, {"name": "Missed"})
        assert await _name(first) == "Missed"
    finally:
        await first.close()
    replaying = [await _watch(gateway, bearer, {**CREATED, "since": cursor}) for _ in range(2)]
    try:
        for watcher in replaying:
            assert await _name(watcher) == "Missed"
    finally:
        for watcher in replaying:
            await watcher.close()


async def test_an_invalid_subscription_gets_its_error_on_every_socket(
    api: Api, gateway: RunningGateway
) -> None:
    invalid = "subscription { domainEvents { noSuchField } }"
    watchers = [
        await _watch(gateway, token(api.tenant), {}, protocol, invalid)
        for protocol in (TRANSPORT_WS, LEGACY_WS)
    ]
    try:
        for watcher in watchers:
            message = await watcher.receive()
            assert message["type"] == "error", message
            assert "noSuchField" in str(message["payload"])
    finally:
        for watcher in watchers:
            await watcher.close()
