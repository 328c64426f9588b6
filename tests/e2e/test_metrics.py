"""`/metrics` read as Prometheus reads it, from the running gateway, after real traffic."""

from __future__ import annotations

import math

import httpx
from aiokafka import AIOKafkaProducer
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import Api, RunningGateway, Services, settings_for, token, until
from tests.graphql_ws import TRANSPORT_WS, Subscriber

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]

PROBE = "query MetricsProbe { __typename }"
FAILING = """mutation MetricsRename {
  updateCustomer(input: {customerId: "no-such-customer", version: 1, name: "X"}) { version } }"""
INVALID = "query MetricsInvalid { noSuchField }"
WATCH = "subscription { domainEvents { eventId } }"
CREATE = "mutation($name: String!) { createCustomer(input: {name: $name}) { customerId } }"


async def scrape(http: httpx.AsyncClient) -> Samples:
    response = await http.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def names_seen(samples: Samples) -> set[str]:
    return {
        dict(labels).get("operation_name", "")
        for name, labels in samples
        if name == "graphql_requests_total"
    }


async def test_a_query_and_a_failing_mutation_move_their_counters_by_exactly_what_was_sent(
    api: Api, http: httpx.AsyncClient
) -> None:
    before = await scrape(http)
    await api.data(PROBE)
    [code] = await api.error_codes(FAILING)
    assert await api.error_codes(INVALID) == ["GRAPHQL_VALIDATION_FAILED"]
    after = await scrape(http)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    probe = {"operation_type": "query", "operation_name": "MetricsProbe"}
    rename = {"operation_type": "mutation", "operation_name": "MetricsRename"}
    assert moved("graphql_requests_total", **probe, outcome="ok") == 1
    assert moved("graphql_request_duration_seconds_count", **probe) == 1
    assert moved("graphql_request_duration_seconds_bucket", **probe, le="5.0") == 1
    assert moved("graphql_requests_total", **rename, outcome="client_error") == 1
    assert moved("graphql_requests_total", **rename, outcome="ok") == 0
    assert moved("graphql_errors_total", code=code) == 1
    # A document that failed validation is counted without its name: names stay bounded.
    anonymous = {"operation_type": "query", "operation_name": "anonymous"}
    assert moved("graphql_requests_total", **anonymous, outcome="client_error") == 1
    assert moved("graphql_errors_total", code="GRAPHQL_VALIDATION_FAILED") == 1
    assert "MetricsInvalid" not in names_seen(after)


async def test_the_scrape_time_readings_are_numbers(http: httpx.AsyncClient) -> None:
    samples = await scrape(http)
    capacity = value(samples, "db_pool_capacity")
    assert capacity == 20, "DB_POOL_SIZE + DB_MAX_OVERFLOW of the test gateway"
    assert 0 <= value(samples, "db_pool_checked_out") <= capacity
    for reading in (
        "outbox_unpublished_events",
        "outbox_oldest_unpublished_age_seconds",
        "hub_consumer_lag_records",
    ):
        assert not math.isnan(value(samples, reading)), reading
        assert value(samples, reading) >= 0, reading


async def test_an_open_subscription_shows_in_the_gauges_until_it_is_closed(
    api: Api, gateway: RunningGateway, http: httpx.AsyncClient
) -> None:
    async def gauges() -> tuple[float, float]:
        samples = await scrape(http)
        return (
            value(samples, "graphql_websocket_connections"),
            value(samples, "graphql_active_subscriptions"),
        )

    sockets, subscriptions = await gauges()
    subscriber = await Subscriber(gateway.url, token(api.tenant), TRANSPORT_WS).connect()
    try:
        await subscriber.acknowledged()
        await subscriber.subscribe(WATCH)
        await gateway.subscribed(api.tenant)
        assert await gauges() == (sockets + 1, subscriptions + 1)
    finally:
        await subscriber.close()

    async def closed() -> bool:
        return await gauges() == (sockets, subscriptions)

    await until(closed)


async def test_a_relayed_event_counts_in_the_relay_counter(
    api: Api, http: httpx.AsyncClient
) -> None:
    before = value(await scrape(http), "outbox_events_relayed_total")
    await api.data(CREATE, {"name": "Counted Customer"})

    async def relayed() -> bool:
        return value(await scrape(http), "outbox_events_relayed_total") >= before + 1

    await until(relayed, timeout=15)


async def test_a_dead_lettered_inbound_record_counts_once_for_its_topic(
    http: httpx.AsyncClient, producer: AIOKafkaProducer, tenant: str
) -> None:
    topic = "finance.period.closed"
    before = value(await scrape(http), "inbound_dead_letters_total", topic=topic)
    await producer.send_and_wait(topic, value=b"not json", key=tenant.encode())

    async def dead_lettered() -> bool:
        return value(await scrape(http), "inbound_dead_letters_total", topic=topic) >= before + 1

    await until(dead_lettered, timeout=15)
    assert value(await scrape(http), "inbound_dead_letters_total", topic=topic) == before + 1


async def test_metrics_enabled_false_serves_no_metrics(services: Services) -> None:
    async with (
        RunningGateway(settings_for(services, metrics_enabled=False)) as running,
        httpx.AsyncClient(base_url=running.url) as client,
    ):
        assert (await client.get("/metrics")).status_code == 404
        assert (await client.get("/healthz")).status_code == 200
