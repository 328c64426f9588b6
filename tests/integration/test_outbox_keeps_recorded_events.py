"""An event's id and instant in the outbox are those the aggregate recorded: the unit of
work moves events, it never re-stamps them. The in-memory unit of work of the use-case
tests keeps the same promise, so the same scenario is run on both."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.clock import ManualClock
from domain.customers import Customer, CustomerCreated, CustomerUpdated
from domain.events import DomainEvent
from persistence.event_facts import event_from
from persistence.tables import outbox
from persistence.unit_of_work import unit_of_work_factory
from resolvers.changes import changing
from tests.use_cases.fakes import Database, units_of_work


async def _register_then_edit(
    units: Callable[[], AbstractAsyncContextManager[Any]], clock: ManualClock
) -> list[DomainEvent]:
    """A customer registered, then edited a minute later; the events the aggregate
    recorded, as it recorded them."""
    recorded: list[DomainEvent] = []
    async with units() as work:
        customer = Customer.register(work.tenant_id, clock.now(), id="CUST-OUT", name="Ann")
        await work.customers.add(customer)
        recorded += customer.events
        await work.commit()
    clock.advance(timedelta(minutes=1, microseconds=7))
    async with units() as work:
        async with changing(work.customers, "CUST-OUT", 1) as edited:
            edited.edit(work.tenant_id, clock.now(), email="ann@example.test")
        recorded += edited.events
        await work.commit()
    return recorded


def _clock() -> ManualClock:
    return ManualClock(datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC))


async def _in_the_outbox(engine: AsyncEngine, tenant: str) -> list[DomainEvent]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(outbox).where(outbox.c.tenant_id == tenant).order_by(outbox.c.position)
        )
        return [
            event_from(
                row["event_type"],
                row["aggregate_type"],
                row["aggregate_id"],
                row["tenant_id"],
                row["occurred_at"],
                row["event_id"],
                row["payload"],
            )
            for row in rows.mappings()
        ]


async def test_the_outbox_holds_each_event_with_the_id_and_instant_the_aggregate_recorded(
    engine: AsyncEngine, tenant: str
) -> None:
    clock = _clock()
    recorded = await _register_then_edit(unit_of_work_factory(engine, tenant), clock)
    assert [type(e) for e in recorded] == [CustomerCreated, CustomerUpdated]
    assert [e.occurred_at for e in recorded] == [
        datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC),
        datetime(2026, 3, 2, 9, 31, 15, 123463, tzinfo=UTC),
    ]
    assert await _in_the_outbox(engine, tenant) == recorded


async def test_the_in_memory_unit_of_work_keeps_the_same_promise(tenant: str) -> None:
    clock = _clock()
    database = Database(clock)
    recorded = await _register_then_edit(units_of_work(database, tenant), clock)
    assert [type(e) for e in recorded] == [CustomerCreated, CustomerUpdated]
    assert database.outbox == recorded
    assert all(a is b for a, b in zip(database.outbox, recorded, strict=True))
