"""Domain events: what happened to an aggregate, recorded by the aggregate's use case.

One internal type for every event the gateway publishes. Wire formats (the CRM/AR
envelope, CloudEvents, the quote event) are serializers over this type in
`subscriptions/wire/`; the business never sees them.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def new_event_id() -> str:
    return str(uuid.uuid4())


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class DomainEvent:
    """A past-tense fact about one aggregate of one tenant.

    `payload` holds the business fields in the contract's own names (the seeds' DTO
    fields): Decimal amounts, times as ISO 8601 UTC strings ending in `Z`, never floats.
    Serializers decide how the event around it looks on the wire.
    """

    event_type: str
    aggregate_type: str
    aggregate_id: str
    tenant_id: str
    payload: Mapping[str, Any]
    event_id: str = field(default_factory=new_event_id)
    occurred_at: datetime = field(default_factory=utc_now)


@dataclass(frozen=True, slots=True)
class PublishedEvent:
    """An event as subscribers receive it: with its place in the gateway's event stream.

    `sequence` grows by one for every event the gateway publishes, in publishing order;
    a client that saw sequence N asks for `since: N` and misses nothing.
    """

    sequence: int
    event: DomainEvent
