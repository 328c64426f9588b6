"""The embedded broker killed mid-load and started again on an empty store loses none of
the events it had acknowledged: the relay notices its marker is gone and publishes again
what it had published, so every event in the outbox is on the new broker's topics."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import select

from gateway.app import create_app
from gateway.embedded.broker import EmbeddedBroker
from persistence.database import create_engine
from persistence.repositories.outbox import OutboxRelayStore
from persistence.tables import outbox
from subscriptions.wire.headers import EVENT_ID, header
from subscriptions.wire.registry import published_topics
from tests.conftest import Api, Served, Services, database_of_its_own, settings_for, until

CREATE = "mutation($n: String!) { createCustomer(input: {name: $n}) { customerId } }"


@dataclass
class Deployment:
    broker: EmbeddedBroker
    api: Api
    database_url: str


@pytest.fixture
async def deployment(
    services: Services, database_url: str, tmp_path: Path, tenant: str
) -> AsyncIterator[Deployment]:
    """A gateway with a database and a broker of its own, checking its marker often."""
    broker = EmbeddedBroker(tmp_path / "broker")
    bootstrap = broker.start()
    try:
        async with database_of_its_own(database_url) as url:
            settings = settings_for(
                services,
                database_url=url,
                kafka_bootstrap_servers=bootstrap,
                relay_poll_seconds=0.5,
                relay_marker_check_seconds=0.5,
                kafka_topic_check_seconds=1.0,
            )
            async with (
                Served(create_app(settings)) as served,
                httpx.AsyncClient(base_url=served.url, timeout=60) as http,
            ):
                yield Deployment(broker, Api(http, tenant), url)
    finally:
        broker.stop()


async def outbox_state(database_url: str) -> tuple[set[str], int]:
    """Every event id in the outbox, and how many are not published yet (`/readyz`'s count)."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            ids = set(await connection.scalars(select(outbox.c.event_id)))
        waiting, _ = await OutboxRelayStore(engine).lag()
    finally:
        await engine.dispose()
    return ids, waiting


async def event_ids_on(bootstrap: str) -> list[str]:
    """The event-id header of every record on the gateway's topics, read from the start
    until the broker has nothing more to give."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        existing = await consumer.topics()
        partitions = [
            TopicPartition(topic, p)
            for topic in published_topics()
            if topic in existing
            for p in consumer.partitions_for_topic(topic) or ()
        ]
        if not partitions:
            return []
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        found: list[str] = []
        quiet = 0
        while quiet < 3:  # until three fetches in a row bring nothing new
            fetched = await consumer.getmany(timeout_ms=300)
            quiet = 0 if fetched else quiet + 1
            for records in fetched.values():
                found.extend(
                    event_id
                    for record in records
                    if (event_id := header(record.headers, EVENT_ID)) is not None
                )
        return found
    finally:
        await consumer.stop()


async def create_customers(api: Api, names: range, pause: float = 0.0) -> None:
    """Five at a time, `pause` seconds apart."""
    for batch in range(names.start, names.stop, 5):
        await asyncio.gather(
            *(api.data(CREATE, {"n": f"Customer {n}"}) for n in range(batch, batch + 5))
        )
        await asyncio.sleep(pause)


async def test_a_broker_killed_mid_load_and_restarted_empty_loses_no_acknowledged_event(
    deployment: Deployment,
) -> None:
    api, database = deployment.api, deployment.database_url
    await create_customers(api, range(20))

    async def published_all() -> bool:
        ids, waiting = await outbox_state(database)
        return len(ids) == 20 and waiting == 0

    await until(published_all, timeout=20)
    acknowledged, _ = await outbox_state(database)
    # The first marker ever publishes nothing again: each event is there once.
    assert sorted(await event_ids_on(deployment.broker.bootstrap_servers)) == sorted(acknowledged)

    load = asyncio.create_task(create_customers(api, range(20, 60), pause=0.15))
    await asyncio.sleep(0.4)
    deployment.broker.kill()
    await asyncio.sleep(0.5)
    bootstrap = deployment.broker.start()
    await load

    deadline = asyncio.get_running_loop().time() + 60
    while True:
        ids, waiting = await outbox_state(database)
        missing = ids - set(await event_ids_on(bootstrap)) if waiting == 0 else ids
        if not missing or asyncio.get_running_loop().time() > deadline:
            break
        await asyncio.sleep(1)
    assert (len(ids), len(missing)) == (60, 0)
    assert acknowledged < ids
