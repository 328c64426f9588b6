"""Seed 001's `correlationId` on the events a request causes, read from the real broker as
a consumer finds it: in a CloudEvent's `data.correlationId` and, for every format, in the
record's `correlation-id` header; an inbound event's id carried into what it causes."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import ConsumerRecord

from subscriptions.wire.cloudevents import workexec_type
from subscriptions.wire.registry import route_for
from tests.conftest import Api, RunningGateway, Services, token
from tests.e2e.service_order_steps import END, SCHEDULE, START, create_order, open_shop, read
from tests.e2e.test_service_order_inbound import ASSIGNED, envelope
from tests.graphql_ws import Subscriber

STATUS_CHANGED = route_for(workexec_type("workorder", "status_changed")).topic
SCHEDULED = route_for("ServiceOrderScheduledEvent").topic
GENERATED = re.compile(r"^corr-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


async def record_where(
    services: Services, topic: str, tenant: str, matches: Callable[[dict[str, Any]], bool]
) -> ConsumerRecord:
    """The first record of `tenant` on `topic` whose JSON value `matches`."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=services.bootstrap_servers, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        async with asyncio.timeout(30):
            while True:
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    for record in records:
                        if dict(record.headers).get("tenant-id") == tenant.encode() and matches(
                            json.loads(record.value)
                        ):
                            return record
    finally:
        await consumer.stop()


def new_status(status: str) -> Callable[[dict[str, Any]], bool]:
    return lambda document: document["data"]["newStatus"] == status


def correlation_header(record: ConsumerRecord) -> str:
    return dict(record.headers)["correlation-id"].decode()


async def schedule(api: Api, headers: dict[str, str]) -> tuple[str, str | None]:
    """Schedule a new order with `headers`; its id and the answer's correlation id."""
    order_id = (await create_order(api, await open_shop(api)))["serviceOrderId"]
    variables = await read(api, {"id": order_id, "start": START, "end": END})
    response = await api.http.post(
        "/graphql",
        json={"query": SCHEDULE, "variables": variables},
        headers={"Authorization": f"Bearer {token(api.tenant)}", **headers},
    )
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    return order_id, response.headers.get("x-correlation-id")


async def test_the_callers_correlation_id_goes_out_with_every_event_it_causes(
    api: Api, services: Services
) -> None:
    sent = f"corr-{uuid.uuid4()}"

    _, answered = await schedule(api, {"X-Correlation-Id": sent})

    assert answered == sent
    cloudevent = await record_where(services, STATUS_CHANGED, api.tenant, new_status("SCHEDULED"))
    assert json.loads(cloudevent.value)["data"]["correlationId"] == sent, "seed 001's place"
    assert correlation_header(cloudevent) == sent
    crm = await record_where(services, SCHEDULED, api.tenant, lambda document: True)
    assert correlation_header(crm) == sent
    assert "correlationId" not in json.loads(crm.value), "the CRM envelope stays seed 000's"


async def test_a_request_without_one_is_given_one_and_told_it(api: Api, services: Services) -> None:
    _, answered = await schedule(api, {})

    assert answered is not None and GENERATED.match(answered)
    record = await record_where(services, STATUS_CHANGED, api.tenant, new_status("SCHEDULED"))
    assert json.loads(record.value)["data"]["correlationId"] == answered


async def test_an_unusable_correlation_id_is_replaced_not_refused(api: Api) -> None:
    for unusable in ("has spaces", "x" * 129, "na\xefve".encode("latin-1")):
        response = await api.http.post(
            "/graphql",
            json={"query": "{ __typename }"},
            headers={"Authorization": f"Bearer {token(api.tenant)}", "X-Correlation-Id": unusable},
        )
        assert response.json()["data"] == {"__typename": "Query"}
        assert GENERATED.match(response.headers["x-correlation-id"]), unusable


async def test_an_inbound_events_correlation_id_goes_out_with_what_it_causes(
    api: Api, services: Services, producer: AIOKafkaProducer
) -> None:
    order_id, _ = await schedule(api, {"X-Correlation-Id": "corr-scheduling"})
    dispatch = f"corr-dispatch-{uuid.uuid4()}"
    assigned = envelope(ASSIGNED, api.tenant, {"serviceOrderId": order_id, "technicianId": "T-7"})

    await producer.send_and_wait(
        ASSIGNED[0],
        json.dumps(assigned).encode(),
        key=api.tenant.encode(),
        headers=[("correlation-id", dispatch.encode())],
    )

    record = await record_where(services, STATUS_CHANGED, api.tenant, new_status("ASSIGNED"))
    assert json.loads(record.value)["data"]["correlationId"] == dispatch
    assert correlation_header(record) == dispatch


async def test_a_mutation_over_a_websocket_takes_the_upgrade_requests_correlation_id(
    api: Api, services: Services, gateway: RunningGateway
) -> None:
    order_id = (await create_order(api, await open_shop(api)))["serviceOrderId"]
    variables = await read(api, {"id": order_id, "start": START, "end": END})
    sent = f"corr-socket-{uuid.uuid4()}"

    async with Subscriber(
        gateway.url, token(api.tenant), headers={"X-Correlation-Id": sent}
    ) as socket:
        await socket.acknowledged()
        await socket.subscribe(SCHEDULE, variables)
        assert (await socket.next_data())["scheduleServiceOrder"]

    record = await record_where(services, STATUS_CHANGED, api.tenant, new_status("SCHEDULED"))
    assert json.loads(record.value)["data"]["correlationId"] == sent
