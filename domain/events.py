"""Domain events: typed, past-tense facts an aggregate records as it changes.

Each business area declares its events as frozen dataclasses derived from `DomainEvent`
(`CustomerRegistered`, `EstimateApproved`, `ServiceOrderScheduled`...), carrying
`Decimal` amounts, aware `datetime`s and enums: the facts, in the domain's own words.
An aggregate appends them to its `events` list while it decides; the unit of work moves
them, unchanged (same id, same instant), into the outbox when it commits.

How a fact looks to other systems (the seeds' CRM envelope, CloudEvents, the quote
event, with their field names) is not the domain's business: `subscriptions/wire/` turns
facts into those documents and parses inbound documents back into facts.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, Protocol


def new_event_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True, kw_only=True)
class DomainEvent:
    """Something that happened to one aggregate of one tenant, at `occurred_at`.

    `occurred_at` is the instant the use case's clock gave; nothing here reads a clock.
    Subclasses name their aggregate's kind in `aggregate_type` and add their facts.
    """

    aggregate_type: ClassVar[str]

    aggregate_id: str
    tenant_id: str
    occurred_at: datetime
    event_id: str = field(default_factory=new_event_id)

    def __post_init__(self) -> None:
        if self.occurred_at.tzinfo is None or self.occurred_at.utcoffset() is None:
            raise ValueError(f"{self.occurred_at!r} has no time zone; events happen at an instant")

    @property
    def event_type(self) -> str:
        """The event's registered name: its class name (see domain/event_types.py)."""
        return type(self).__name__


class Aggregate(Protocol):
    """What the unit of work needs of an aggregate: who it is, the version it was read at,
    and the events it recorded since."""

    id: str
    version: int
    events: list[DomainEvent]


@dataclass(frozen=True, slots=True)
class PublishedEvent:
    """An event as subscribers receive it: with its place in the gateway's event stream.

    `sequence` grows by one for every event the gateway publishes, in publishing order;
    a client that saw sequence N asks for `since: N` and misses nothing.
    `traceparent` is the W3C trace context of what caused it (None outside any trace):
    not part of the fact, it travels beside it so consumers continue that trace.
    `correlation_id` is seed 001's `correlationId` of what caused it, beside it likewise
    (None only for events stored before the gateway kept one).
    """

    sequence: int
    event: DomainEvent
    traceparent: str | None = None
    correlation_id: str | None = None
