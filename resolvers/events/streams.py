"""Watching the event stream: replay from a cursor, then live, with no gap and no repeat.

The live subscription is opened *before* the replay query runs, so an event published
while the replay reads is caught by one or the other; anything the replay already
yielded is skipped when it also arrives live.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence

from domain.errors import InvalidInput
from domain.events import DomainEvent, PublishedEvent
from persistence.unit_of_work import UnitOfWorkFactory
from subscriptions.hub import EventHub
from subscriptions.wire.event import WireEvent
from subscriptions.wire.registry import recorded_name, to_wire

REPLAY_BATCH = 500
LAST_CURSOR = 2**63 - 1
"""Cursors are the outbox's BIGINT sequence numbers."""


def parse_cursor(since: str | None) -> int | None:
    if since is None or since == "":
        return None
    if not (since.isascii() and since.isdigit()) or int(since) > LAST_CURSOR:
        raise InvalidInput(
            f"'{since}' is not an event cursor: pass the `cursor` of the last event you received.",
            field="since",
        )
    return int(since)


async def domain_events(
    hub: EventHub,
    uow: UnitOfWorkFactory,
    tenant_id: str,
    may_see: Callable[[DomainEvent], bool],
    types: Sequence[str] | None,
    aggregate_id: str | None,
    since: int | None,
) -> AsyncIterator[PublishedEvent]:
    """Events of the caller's tenant that match, the missed ones first when `since` is set.

    `types` are the contracts' event types (`CustomerUpdatedEvent`...), which clients
    know; they are turned once into the names events are recorded under. `may_see` is
    asked for every event, so a permission withdrawn or a token expired takes effect on
    the next event, not at the next connection.
    """
    types = [recorded_name(name) for name in types or ()]
    wanted = set(types)

    def accepts(event: DomainEvent) -> bool:
        return (not wanted or event.event_type in wanted) and (
            aggregate_id is None or event.aggregate_id == aggregate_id
        )

    subscription = hub.subscribe(tenant_id, accepts)
    live = subscription.events()
    try:
        last = since
        while last is not None:
            async with uow() as work:
                missed = await work.event_log.after(last, types, aggregate_id, REPLAY_BATCH)
            for published in missed:
                last = published.sequence
                if may_see(published.event):
                    yield published
            if len(missed) < REPLAY_BATCH:
                break
        async for published in live:
            if last is not None and published.sequence <= last:
                continue
            if may_see(published.event):
                yield published
    finally:
        await live.aclose()


def as_published(event: DomainEvent) -> WireEvent:
    """`event` as the seed's contract publishes it: its event type and payload fields."""
    return to_wire(event)


def status_changes(
    hub: EventHub,
    uow: UnitOfWorkFactory,
    tenant_id: str,
    may_see: Callable[[DomainEvent], bool],
    event_type: str,
    aggregate_id: str | None,
    location_id: str | None,
) -> AsyncIterator[PublishedEvent]:
    """Live `event_type` events of one aggregate, of one location, or of the whole tenant.

    The hub filters by tenant, type and aggregate; the location is a fact of each
    status change (`location_id`), so it is checked with `may_see`, before an event
    reaches the subscriber.
    """

    def wanted(event: DomainEvent) -> bool:
        return (location_id is None or _location(event) == location_id) and may_see(event)

    return domain_events(hub, uow, tenant_id, wanted, [event_type], aggregate_id, since=None)


def _location(event: DomainEvent) -> str:
    """The location a status change happened at (every status-change fact carries one)."""
    return event.location_id  # type: ignore[attr-defined]
