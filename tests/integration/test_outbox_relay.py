"""The outbox and its relay against the real database and broker."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaConsumer
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers import Customer
from domain.events import PublishedEvent
from domain.service_orders.events import ServiceOrderStatusChanged
from domain.service_orders.status import ServiceOrderStatus
from persistence.tables import customers, outbox
from persistence.unit_of_work import UnitOfWork
from subscriptions.publisher import ProducerSettings, Publisher
from subscriptions.relay import OutboxRelay
from subscriptions.topics import BrokerLink
from subscriptions.wire.headers import GATEWAY_SEQUENCE, header
from subscriptions.wire.registry import decode
from tests.conftest import GROUP_TIMING, Services, cut_relay_session
from tests.integration.customer_changes import rename

TOPIC = "crm.customers.updated"


async def _record_updates(engine: AsyncEngine, tenant: str, aggregate: str, count: int) -> None:
    """Rename `aggregate` (registered already) `count` times: n0, n1, ..."""
    for n in range(count):
        await rename(engine, tenant, aggregate, f"n{n}")


async def _register(engine: AsyncEngine, tenant: str, *aggregates: str) -> None:
    """Register the aggregates one after the other, so their creations (on another topic)
    take the first sequence numbers and the updates' numbers follow without a gap."""
    for aggregate in aggregates:
        await rename(engine, tenant, aggregate, "registered")


async def _consume(services: Services, tenant: str, expected: int) -> list[tuple[str, int, int]]:
    """(aggregate id, payload n, gateway sequence) of this tenant's records on TOPIC."""
    consumer = AIOKafkaConsumer(
        TOPIC,
        bootstrap_servers=services.bootstrap_servers,
        group_id=f"test-{uuid.uuid4().hex}",
        auto_offset_reset="earliest",
        **GROUP_TIMING.consumer_options(),
    )
    await consumer.start()
    found: list[tuple[str, int, int]] = []
    try:
        async with asyncio.timeout(20):
            while len(found) < expected:
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    for record in records:
                        if header(record.headers, "tenant-id") != tenant:
                            continue
                        event = decode(TOPIC, record.headers, record.value)
                        found.append(
                            (
                                event.aggregate_id,
                                int(event.name.removeprefix("n")),
                                int(header(record.headers, GATEWAY_SEQUENCE) or 0),
                            )
                        )
        await asyncio.sleep(0.5)
        for records in (await consumer.getmany(timeout_ms=500)).values():
            found.extend(
                ("extra", 0, 0) for r in records if header(r.headers, "tenant-id") == tenant
            )
    finally:
        await consumer.stop()
    return found


async def test_a_rolled_back_unit_of_work_leaves_neither_state_nor_event(
    engine: AsyncEngine,
) -> None:
    tenant = f"t-{uuid.uuid4().hex[:8]}"
    with pytest.raises(RuntimeError):
        async with UnitOfWork(engine, tenant) as work:
            await work.customers.add(
                Customer.register(tenant, datetime.now(UTC), id="C-1", name="X")
            )
            raise RuntimeError("the use case failed after writing")
    async with engine.connect() as connection:
        rows = (
            await connection.execute(
                select(func.count()).select_from(customers).where(customers.c.tenant_id == tenant)
            )
        ).scalar_one()
        events = (
            await connection.execute(
                select(func.count()).select_from(outbox).where(outbox.c.tenant_id == tenant)
            )
        ).scalar_one()
    assert (rows, events) == (0, 0)


async def test_two_relays_publish_every_event_once_in_order_per_aggregate(
    services: Services, isolated_engine: AsyncEngine
) -> None:
    tenant = f"t-{uuid.uuid4().hex[:8]}"
    broker = BrokerLink(services.bootstrap_servers, "test")
    await broker.start()
    publishers = [
        Publisher(services.bootstrap_servers, f"relay-{n}", ProducerSettings(), broker)
        for n in range(2)
    ]
    relays = [OutboxRelay(isolated_engine, p, poll_seconds=0.5) for p in publishers]
    tasks = [asyncio.create_task(relay.run()) for relay in relays]
    try:
        await _register(isolated_engine, tenant, "CUST-0", "CUST-1", "CUST-2")
        await asyncio.gather(
            *(_record_updates(isolated_engine, tenant, f"CUST-{a}", 20) for a in range(3))
        )
        found = await _consume(services, tenant, 60)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for publisher in publishers:
            await publisher.close()
        await broker.close()
    assert len(found) == 60
    assert sum(relay.is_leader or relay.published > 0 for relay in relays) == 1
    per_aggregate: dict[str, list[int]] = defaultdict(list)
    for aggregate, n, _ in found:
        per_aggregate[aggregate].append(n)
    assert per_aggregate == {f"CUST-{a}": list(range(20)) for a in range(3)}
    sequences = sorted(s for _, _, s in found)
    assert sequences == list(range(sequences[0], sequences[0] + 60))


async def test_the_relay_wakes_on_commit_rather_than_waiting_for_its_poll(
    services: Services, isolated_engine: AsyncEngine
) -> None:
    tenant = f"t-{uuid.uuid4().hex[:8]}"
    publisher = Publisher(services.bootstrap_servers, "relay", ProducerSettings())
    relay = OutboxRelay(isolated_engine, publisher, poll_seconds=60)
    task = asyncio.create_task(relay.run())
    try:
        async with asyncio.timeout(10):
            while not relay.is_leader:
                await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)
        started = time.perf_counter()
        await _register(isolated_engine, tenant, "CUST-1")
        await _record_updates(isolated_engine, tenant, "CUST-1", 1)
        async with asyncio.timeout(10):
            while relay.published < 1:
                await asyncio.sleep(0.01)
        elapsed = time.perf_counter() - started
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await publisher.close()
    assert elapsed < 2, f"published after {elapsed:.2f}s: the NOTIFY did not wake the relay"


async def test_a_leader_whose_lock_session_is_cut_stops_relaying_at_once(
    services: Services, isolated_engine: AsyncEngine
) -> None:
    """Its batches run on other connections, so only the lock's session can tell it that
    another replica may already hold the lock."""
    publisher = Publisher(services.bootstrap_servers, "relay", ProducerSettings())
    changes: list[bool] = []
    relay = OutboxRelay(isolated_engine, publisher, poll_seconds=60, on_lead_changed=changes.append)
    task = asyncio.create_task(relay.run())
    try:
        async with asyncio.timeout(10):
            while not relay.is_leader:
                await asyncio.sleep(0.05)
        assert await cut_relay_session(isolated_engine) == 1
        async with asyncio.timeout(2):
            while changes != [True, False, True]:
                await asyncio.sleep(0.01)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await publisher.close()
    assert changes == [True, False, True, False], "stopping the relay ends its lead too"


async def test_the_records_carry_the_environment_the_deployment_is_configured_for(
    services: Services, isolated_engine: AsyncEngine
) -> None:
    """Seed 001's `durion:environment` says where an event comes from; a production
    deployment must not announce its events as development ones."""
    broker = BrokerLink(services.bootstrap_servers, "env")
    await broker.start()
    publisher = Publisher(
        services.bootstrap_servers, "env", ProducerSettings(environment="production"), broker
    )
    changed = ServiceOrderStatusChanged(
        aggregate_id=f"WO-{uuid.uuid4().hex[:8]}",
        tenant_id="t-env",
        occurred_at=datetime.now(UTC),
        previous_status=ServiceOrderStatus.SCHEDULED,
        new_status=ServiceOrderStatus.DISPATCHED,
        location_id="LOC-001",
        customer_id="CUST-001",
        technician_id="TECH-001",
    )
    consumer = AIOKafkaConsumer(
        "workexec.workorder.status_changed",
        bootstrap_servers=services.bootstrap_servers,
        group_id=f"test-{uuid.uuid4().hex}",
        auto_offset_reset="earliest",
        **GROUP_TIMING.consumer_options(),
    )
    try:
        await publisher.publish([PublishedEvent(1, changed)])
        await consumer.start()
        async with asyncio.timeout(20):
            found = None
            while found is None:
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    for record in records:
                        document = json.loads(record.value)
                        if document["subject"] == changed.aggregate_id:
                            found = document
    finally:
        await consumer.stop()
        await publisher.close()
        await broker.close()
    assert found["durion:environment"] == "production"
