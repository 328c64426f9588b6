"""One websocket connection runs at most `WS_MAX_OPERATIONS` operations at once; one more
is refused with a code and a message that says what to do, and the others run on."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from gateway.app import create_app
from tests.conftest import Served, Services, settings_for, token
from tests.graphql_ws import LEGACY_WS, TRANSPORT_WS, Subscriber

WATCH = "subscription($id: ID) { domainEvents(aggregateId: $id) { cursor } }"
LIMIT = 2


@pytest.fixture(scope="module")
async def limited(services: Services, database_url: str) -> AsyncIterator[Served]:
    app = create_app(settings_for(services, inbound_enabled=False, ws_max_operations=LIMIT))
    async with Served(app) as served:
        yield served


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_one_operation_over_the_limit_is_refused_with_a_code(
    limited: Served, tenant: str, protocol: str
) -> None:
    subscriber = await Subscriber(limited.url, token(tenant), protocol).connect()
    try:
        await subscriber.acknowledged()
        for n in range(LIMIT):
            await subscriber.subscribe(WATCH, {"id": f"CUST-{n}"}, operation_id=str(n))
        await limited.subscribed(tenant, LIMIT)
        await subscriber.subscribe(WATCH, {"id": "CUST-over"}, operation_id="over")
        refusal = await subscriber.receive()
    finally:
        await subscriber.close()
    assert (refusal["type"], refusal["id"]) == ("error", "over")
    payload = refusal["payload"]
    [error] = payload if isinstance(payload, list) else [payload]
    assert error["extensions"]["code"] == "SUBSCRIPTION_LIMIT_REACHED"
    assert f"already runs {LIMIT} operations" in error["message"]
