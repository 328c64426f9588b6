"""Liveness, readiness, and the seeds' topics created at start-up."""

from __future__ import annotations

import httpx
from aiokafka.admin import AIOKafkaAdminClient

from gateway.embedded.broker import EmbeddedBroker
from subscriptions.topics import TOPICS
from subscriptions.wire.registry import published_topics
from tests.conftest import RunningGateway, Services, settings_for, until


async def test_healthz_and_readyz_answer_json(http: httpx.AsyncClient) -> None:
    assert (await http.get("/healthz")).json() == {"status": "ok"}
    ready = await http.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "broker": "ok"}


async def test_graphiql_is_served_to_a_browser(http: httpx.AsyncClient) -> None:
    page = await http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()
    assert "script-src 'self'" in page.headers["content-security-policy"]


async def test_the_seeds_topics_exist_with_their_partition_counts(
    services: Services, gateway: RunningGateway
) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=services.bootstrap_servers)
    await admin.start()
    try:
        described = await admin.describe_topics(list(TOPICS))
    finally:
        await admin.close()
    assert {t["topic"]: len(t["partitions"]) for t in described} == TOPICS
    assert TOPICS["crm.serviceorders.sla.breached"] == 3
    assert TOPICS["finance.ar.invoice.posted"] == 12


async def test_readyz_is_503_and_names_the_broker_when_it_is_gone(
    services: Services, database_url: str, tmp_path
) -> None:
    broker = EmbeddedBroker(tmp_path)
    broker.start()
    try:
        settings = settings_for(
            services, kafka_bootstrap_servers=broker.bootstrap_servers, inbound_enabled=False
        )
        async with (
            RunningGateway(settings) as running,
            httpx.AsyncClient(base_url=running.url, timeout=30) as http,
        ):
            assert (await http.get("/readyz")).status_code == 200
            broker.stop()
            ready = await http.get("/readyz")
            assert (await http.get("/healthz")).status_code == 200
    finally:
        broker.stop()
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"] == "ok"
    assert ready.json()["checks"]["broker"].startswith("unreachable")


async def test_a_broker_restarted_empty_gets_every_topic_back_with_its_partitions(
    services: Services, database_url: str, tmp_path
) -> None:
    """The embedded broker keeps topics in memory: a restart empties it, as a broker
    restored without its data would be. The gateway declares them again by itself. The
    topics its own consumers subscribe to, the broker re-creates on their first metadata
    request with its default partitions (it has no switch for that and cannot add
    partitions), so the counts are checked on the others: every dead-letter topic and
    every topic other systems publish to."""
    broker = EmbeddedBroker(tmp_path)
    broker.start()
    try:
        settings = settings_for(
            services,
            kafka_bootstrap_servers=broker.bootstrap_servers,
            inbound_enabled=False,
            kafka_topic_check_seconds=0.5,
        )
        published = set(published_topics())
        async with RunningGateway(settings):
            broker.stop()
            broker.start()

            async def partitions() -> dict[str, int]:
                admin = AIOKafkaAdminClient(bootstrap_servers=broker.bootstrap_servers)
                await admin.start()
                try:
                    # Describing a topic that does not exist would make this broker create it.
                    present = [name for name in await admin.list_topics() if name in TOPICS]
                    described = await admin.describe_topics(present)
                finally:
                    await admin.close()
                return {t["topic"]: len(t["partitions"]) for t in described}

            not_subscribed = {name: n for name, n in TOPICS.items() if name not in published}

            async def declared_again() -> bool:
                found = await partitions()
                return set(found) == set(TOPICS) and all(
                    found[name] == n for name, n in not_subscribed.items()
                )

            await until(declared_again, timeout=30)
            assert {name for name in not_subscribed if name.endswith(".dlq")}
    finally:
        broker.stop()
