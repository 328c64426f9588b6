"""The outbox, seen from the three sides that use it.

- `OutboxWriter`: the unit of work appends a transaction's events in that transaction.
- `OutboxRelayStore`: the relay numbers pending events gap-free in publishing order,
  reads the numbered but unpublished ones, and stamps them published. It works across
  tenants: it is the gateway's own plumbing, not a tenant's repository.
- `EventLog`: one tenant's published stream, read from a cursor, so a dashboard that
  reconnects replays exactly what it missed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain.events import DomainEvent, PublishedEvent
from persistence.tables import outbox, outbox_cursor


def _event(row: Mapping[str, Any]) -> DomainEvent:
    return DomainEvent(
        event_type=row["event_type"],
        aggregate_type=row["aggregate_type"],
        aggregate_id=row["aggregate_id"],
        tenant_id=row["tenant_id"],
        payload=row["payload"],
        event_id=row["event_id"],
        occurred_at=row["occurred_at"],
    )


def _published(row: Mapping[str, Any]) -> PublishedEvent:
    return PublishedEvent(sequence=row["sequence"], event=_event(row))


NUMBER = text(
    "UPDATE outbox SET sequence = :last + numbered.n "
    "FROM unnest(CAST(:positions AS bigint[])) WITH ORDINALITY AS numbered(position, n) "
    "WHERE outbox.position = numbered.position"
)


class OutboxWriter:
    def __init__(self, connection: AsyncConnection):
        self._connection = connection

    async def append(self, events: Sequence[DomainEvent]) -> None:
        await self._connection.execute(
            insert(outbox),
            [
                {
                    "event_id": e.event_id,
                    "tenant_id": e.tenant_id,
                    "event_type": e.event_type,
                    "aggregate_type": e.aggregate_type,
                    "aggregate_id": e.aggregate_id,
                    "occurred_at": e.occurred_at,
                    "payload": dict(e.payload),
                }
                for e in events
            ],
        )


class OutboxRelayStore:
    def __init__(self, engine: AsyncEngine):
        self._engine = engine

    async def number_pending(self, limit: int) -> int:
        """Give the oldest un-numbered events the next sequence numbers; return how many.

        The cursor row is locked for the transaction, so numbers stay gap-free and
        increasing even if two relays ever ran at once.
        """
        async with self._engine.begin() as connection:
            last = (
                await connection.execute(
                    select(outbox_cursor.c.last_sequence)
                    .where(outbox_cursor.c.id == 1)
                    .with_for_update()
                )
            ).scalar_one()
            positions = (
                (
                    await connection.execute(
                        select(outbox.c.position)
                        .where(outbox.c.sequence.is_(None))
                        .order_by(outbox.c.position)
                        .limit(limit)
                        .with_for_update(skip_locked=True)
                    )
                )
                .scalars()
                .all()
            )
            if not positions:
                return 0
            await connection.execute(NUMBER, {"last": last, "positions": list(positions)})
            await connection.execute(
                update(outbox_cursor)
                .where(outbox_cursor.c.id == 1)
                .values(last_sequence=last + len(positions))
            )
            return len(positions)

    async def unpublished(self, limit: int) -> list[PublishedEvent]:
        async with self._engine.connect() as connection:
            rows = await connection.execute(
                select(outbox)
                .where(outbox.c.sequence.is_not(None), outbox.c.published_at.is_(None))
                .order_by(outbox.c.sequence)
                .limit(limit)
            )
            return [_published(row) for row in rows.mappings()]

    async def mark_published(self, sequences: Iterable[int]) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                update(outbox)
                .where(outbox.c.sequence.in_(list(sequences)))
                .values(published_at=func.now())
            )

    async def lag(self) -> tuple[int, float]:
        """Events not yet published, and the age in seconds of the oldest of them."""
        async with self._engine.connect() as connection:
            count, oldest = (
                await connection.execute(
                    select(func.count(), func.min(outbox.c.occurred_at)).where(
                        outbox.c.published_at.is_(None)
                    )
                )
            ).one()
        age = (datetime.now(UTC) - oldest).total_seconds() if oldest else 0.0
        return int(count), max(age, 0.0)


class EventLog:
    """One tenant's event stream in sequence order, for replay after a reconnect."""

    def __init__(self, connection: AsyncConnection, tenant_id: str):
        self._connection = connection
        self.tenant_id = tenant_id

    async def after(
        self,
        sequence: int,
        types: Sequence[str] | None,
        aggregate_id: str | None,
        limit: int,
    ) -> list[PublishedEvent]:
        statement = (
            select(outbox)
            .where(outbox.c.tenant_id == self.tenant_id, outbox.c.sequence > sequence)
            .order_by(outbox.c.sequence)
            .limit(limit)
        )
        if types:
            statement = statement.where(outbox.c.event_type.in_(list(types)))
        if aggregate_id:
            statement = statement.where(outbox.c.aggregate_id == aggregate_id)
        return [_published(row) for row in (await self._connection.execute(statement)).mappings()]


class OutboxReader:
    """The published stream across tenants, for each replica's hub to fill gaps from."""

    def __init__(self, engine: AsyncEngine):
        self._engine = engine

    async def next_sequence(self) -> int:
        """The first sequence a hub starting now should deliver."""
        async with self._engine.connect() as connection:
            oldest_unpublished = (
                await connection.execute(
                    select(func.min(outbox.c.sequence)).where(
                        outbox.c.sequence.is_not(None), outbox.c.published_at.is_(None)
                    )
                )
            ).scalar_one()
            if oldest_unpublished is not None:
                return int(oldest_unpublished)
            last = (
                await connection.execute(
                    select(outbox_cursor.c.last_sequence).where(outbox_cursor.c.id == 1)
                )
            ).scalar_one()
            return int(last) + 1

    async def last_published(self) -> int:
        """The highest sequence already published (0 when none is)."""
        async with self._engine.connect() as connection:
            found = (
                await connection.execute(
                    select(outbox.c.sequence)
                    .where(outbox.c.sequence.is_not(None), outbox.c.published_at.is_not(None))
                    .order_by(outbox.c.sequence.desc())
                    .limit(1)
                )
            ).scalar_one_or_none()
        return int(found or 0)

    async def between(self, first: int, last: int) -> list[PublishedEvent]:
        """Events numbered `first`..`last` (inclusive) in sequence order."""
        async with self._engine.connect() as connection:
            rows = await connection.execute(
                select(outbox)
                .where(outbox.c.sequence.between(first, last))
                .order_by(outbox.c.sequence)
            )
            return [_published(row) for row in rows.mappings()]
