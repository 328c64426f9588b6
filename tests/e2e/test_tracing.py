"""OpenTelemetry traces, as an operator finds them: a request's W3C `traceparent` is
continued by the gateway's spans (the HTTP request, the GraphQL operation, its SQL), and
the response names the trace. The spans are read from the SDK's own in-memory exporter."""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.structs import ConsumerRecord
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from gateway.app import create_app
from subscriptions.wire.cloudevents import workexec_type
from subscriptions.wire.registry import route_for
from tests.conftest import Api, Served, Services, settings_for, token, until
from tests.e2e.estimate_shop import open_shop, seed_estimate
from tests.e2e.service_order_steps import END, SCHEDULE, START, create_order, read
from tests.e2e.service_order_steps import open_shop as service_order_shop
from tests.graphql_ws import LEGACY_WS, Subscriber

READ = "query EstimateOnly($id: ID!) { estimate(id: $id) { status version } }"


@dataclass
class TracedGateway:
    api: Api
    http: httpx.AsyncClient
    spans: InMemorySpanExporter
    served: Served

    def trace(self, trace_id: str) -> list[ReadableSpan]:
        return [
            s
            for s in self.spans.get_finished_spans()
            if s.context is not None and f"{s.context.trace_id:032x}" == trace_id
        ]


@pytest.fixture
async def traced(
    services: Services, database_url: str, tenant: str
) -> AsyncIterator[TracedGateway]:
    spans = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    app = create_app(settings_for(services, relay_enabled=True), tracer_provider=provider)
    async with Served(app) as served, httpx.AsyncClient(base_url=served.url, timeout=30) as http:
        yield TracedGateway(Api(http, tenant), http, spans, served)
    provider.shutdown()


def names(spans: Sequence[ReadableSpan]) -> set[str]:
    return {s.name for s in spans}


def traceparent() -> tuple[str, str, str]:
    """A caller's trace context: (header, trace id, span id)."""
    trace_id, span_id = secrets.token_hex(16), secrets.token_hex(8)
    return f"00-{trace_id}-{span_id}-01", trace_id, span_id


async def test_a_request_with_a_traceparent_is_traced_in_the_callers_trace(
    traced: TracedGateway, tenant: str
) -> None:
    await open_shop(traced.api)
    await seed_estimate(traced.api)
    header, trace_id, caller_span = traceparent()

    response = await traced.http.post(
        "/graphql",
        json={"query": READ, "variables": {"id": "EST-001"}},
        headers={"Authorization": f"Bearer {token(tenant)}", "traceparent": header},
    )

    assert response.status_code == 200
    assert response.json()["data"]["estimate"]["status"] == "DRAFT"
    assert response.headers["traceresponse"].startswith(f"00-{trace_id}-")
    spans = traced.trace(trace_id)
    server = [s for s in spans if s.kind is SpanKind.SERVER]
    assert len(server) == 1
    assert server[0].parent is not None and f"{server[0].parent.span_id:016x}" == caller_span
    operation = next(s for s in spans if s.name == "query EstimateOnly")
    assert operation.parent is not None and operation.parent.span_id == server[0].context.span_id
    assert operation.attributes is not None
    assert operation.attributes["graphql.operation.name"] == "EstimateOnly"
    statements = [s for s in spans if s.kind is SpanKind.CLIENT]
    assert statements, "the estimate was read from PostgreSQL"
    assert all(
        s.parent is not None and s.parent.span_id == operation.context.span_id for s in statements
    )
    assert any("estimates" in str((s.attributes or {})["db.query.text"]) for s in statements)
    # The compiled read path answers it with one statement, outside any transaction.
    assert [s.name.split()[0] for s in statements] == ["SELECT"]
    assert not [s for s in spans if s.name.startswith("GraphQL Resolving")], "no per-field spans"


async def test_a_request_without_a_traceparent_starts_a_trace_of_its_own(
    traced: TracedGateway,
) -> None:
    await open_shop(traced.api)

    response = await traced.api.http.post(
        "/graphql",
        json={"query": "query Nothing { __typename }"},
        headers={"Authorization": f"Bearer {token(traced.api.tenant)}"},
    )

    trace_id = response.headers["traceresponse"].split("-")[1]
    spans = traced.trace(trace_id)
    assert {s.name for s in spans} >= {"query Nothing"}
    server = next(s for s in spans if s.kind is SpanKind.SERVER)
    assert server.parent is None


async def test_an_invalid_document_names_its_error_code_on_a_span_that_is_not_a_failure(
    traced: TracedGateway,
) -> None:
    header, trace_id, _ = traceparent()

    await traced.api.http.post(
        "/graphql",
        json={"query": 'query Broken { estimate(id: "EST-1") { noSuchField } }'},
        headers={"Authorization": f"Bearer {token(traced.api.tenant)}", "traceparent": header},
    )

    operation = next(s for s in traced.trace(trace_id) if s.name == "query Broken")
    assert operation.attributes is not None
    assert list(operation.attributes["graphql.error.codes"]) == ["GRAPHQL_VALIDATION_FAILED"]
    assert operation.status.is_unset, "the caller's mistake, not the gateway's failure"


STATUS_CHANGED = workexec_type("workorder", "status_changed")


async def record_of(services: Services, topic: str, tenant: str) -> ConsumerRecord:
    """The first record of `tenant` on `topic`, as any consumer of the broker reads it."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=services.bootstrap_servers, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        async with asyncio.timeout(30):
            while True:
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    for record in records:
                        if dict(record.headers).get("tenant-id") == tenant.encode():
                            return record
    finally:
        await consumer.stop()


async def test_the_event_a_mutation_causes_carries_its_trace_context_on_the_broker(
    traced: TracedGateway, services: Services, tenant: str
) -> None:
    shop = await service_order_shop(traced.api)
    order = await create_order(traced.api, shop)
    header, trace_id, _ = traceparent()
    scheduling = Api(traced.http, tenant, headers={"traceparent": header})

    await scheduling.data(
        SCHEDULE,
        await read(traced.api, {"id": order["serviceOrderId"], "start": START, "end": END}),
    )

    record = await record_of(services, route_for(STATUS_CHANGED).topic, tenant)
    document = json.loads(record.value)
    carried = dict(record.headers)["traceparent"].decode()
    operation = next(s for s in traced.trace(trace_id) if s.name.startswith("mutation"))
    assert carried == f"00-{trace_id}-{operation.context.span_id:016x}-01"
    assert document["traceparent"] == carried, "the CloudEvents traceparent attribute"
    assert "traceparent" not in document["data"], "the seed's payload is unchanged"
    assert document["data"]["newStatus"] == "SCHEDULED"


async def test_a_trace_the_callers_sampler_left_out_records_no_span_yet_is_carried_on(
    traced: TracedGateway, services: Services, tenant: str
) -> None:
    """Most requests, with a ratio sampler: nothing recorded (no server, operation, SQL or
    publish span), but the trace still named in the answer and carried by the event."""
    shop = await service_order_shop(traced.api)
    order = await create_order(traced.api, shop)
    trace_id = secrets.token_hex(16)
    left_out = Api(
        traced.http, tenant, headers={"traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-00"}
    )

    await left_out.data(
        SCHEDULE,
        await read(traced.api, {"id": order["serviceOrderId"], "start": START, "end": END}),
    )

    record = await record_of(services, route_for(STATUS_CHANGED).topic, tenant)
    carried = dict(record.headers)["traceparent"].decode()
    assert carried.startswith(f"00-{trace_id}-") and carried.endswith("-00")
    assert json.loads(record.value)["traceparent"] == carried
    assert traced.trace(trace_id) == []


async def test_an_event_written_outside_any_trace_carries_no_trace_context(
    api: Api, services: Services
) -> None:
    shop = await service_order_shop(api)
    order = await create_order(api, shop)
    await api.data(
        SCHEDULE, await read(api, {"id": order["serviceOrderId"], "start": START, "end": END})
    )

    record = await record_of(services, route_for(STATUS_CHANGED).topic, api.tenant)
    assert "traceparent" not in dict(record.headers)
    assert "traceparent" not in json.loads(record.value)


async def test_a_request_refused_before_graphql_still_names_its_trace(
    traced: TracedGateway,
) -> None:
    header, trace_id, _ = traceparent()

    response = await traced.http.post(
        "/graphql",
        content=b'{"query": "' + b" " * 1_100_000 + b'{ __typename }"}',
        headers={"content-type": "application/json", "traceparent": header},
    )

    assert response.status_code == 413
    assert response.headers["traceresponse"].startswith(f"00-{trace_id}-")
    [server] = traced.trace(trace_id)
    assert server.attributes is not None
    assert server.attributes["http.response.status_code"] == 413


WATCH = """subscription Board($loc: ID) {
  serviceOrderStatusChanged(locationId: $loc) { serviceOrderId newStatus } }"""


async def test_a_subscriptions_span_covers_its_start_not_its_lifetime(
    traced: TracedGateway, tenant: str
) -> None:
    subscriber = await Subscriber(traced.served.url, token(tenant)).connect()
    try:
        await subscriber.acknowledged()
        await subscriber.subscribe(WATCH, {"loc": "LOC-001"})
        await traced.served.subscribed(tenant)
        await until(
            lambda: any(s.name == "subscription Board" for s in traced.spans.get_finished_spans())
        )
        still_open = traced.served.app.state.events.hub.subscriber_count(tenant)
    finally:
        await subscriber.close()
    assert still_open == 1, "the span ended while the subscription ran on"


def websocket_span(traced: TracedGateway, name: str) -> ReadableSpan | None:
    return next((s for s in traced.spans.get_finished_spans() if s.name == name), None)


async def test_a_websocket_subscription_is_one_span_from_subscribe_to_complete(
    traced: TracedGateway, tenant: str
) -> None:
    header, trace_id, caller = traceparent()
    subscriber = await Subscriber(traced.served.url, token(tenant)).connect()
    try:
        await subscriber.acknowledged()
        await subscriber.subscribe(WATCH, {"loc": "LOC-001"}, extensions={"traceparent": header})
        await traced.served.subscribed(tenant)
        await until(lambda: websocket_span(traced, "subscription Board") is not None)
        assert websocket_span(traced, "websocket subscription Board") is None, "still running"

        await subscriber.complete()
        await until(lambda: websocket_span(traced, "websocket subscription Board") is not None)
    finally:
        await subscriber.close()

    span = websocket_span(traced, "websocket subscription Board")
    assert span is not None and span.kind is SpanKind.SERVER
    assert f"{span.context.trace_id:032x}" == trace_id
    assert span.parent is not None and f"{span.parent.span_id:016x}" == caller
    assert span.attributes is not None
    assert span.attributes["graphql.operation.name"] == "Board"
    assert span.attributes["gateway.websocket.outcome"] == "cancelled", "the client completed it"
    start = websocket_span(traced, "subscription Board")
    assert start is not None and start.parent is not None
    assert start.parent.span_id == span.context.span_id, "its start is inside it"


async def test_a_refused_websocket_operation_ends_its_span_with_its_error_codes(
    traced: TracedGateway, tenant: str
) -> None:
    """Legacy graphql-ws, its trace context on the upgrade request instead."""
    header, trace_id, caller = traceparent()
    subscriber = Subscriber(
        traced.served.url, token(tenant), LEGACY_WS, headers={"traceparent": header}
    )
    await subscriber.connect()
    try:
        await subscriber.acknowledged()
        await subscriber.subscribe("subscription Nothing { noSuchField }")
        assert (await subscriber.receive())["type"] == "error"
        await until(lambda: websocket_span(traced, "websocket subscription Nothing") is not None)
    finally:
        await subscriber.close()

    span = websocket_span(traced, "websocket subscription Nothing")
    assert span is not None and f"{span.context.trace_id:032x}" == trace_id
    assert span.parent is not None and f"{span.parent.span_id:016x}" == caller
    assert span.attributes is not None
    assert span.attributes["gateway.websocket.outcome"] == "error"
    assert list(span.attributes["graphql.error.codes"]) == ["GRAPHQL_VALIDATION_FAILED"]
    assert span.status.is_unset, "the caller's mistake, not the gateway's failure"
