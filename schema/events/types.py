"""An event as a dashboard receives it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

import strawberry
from strawberry.scalars import JSON

from domain.events import PublishedEvent
from schema.plain_json import plain_json


class ContractDocument(Protocol):
    """What `domainEvents` shows of an event: its seed contract's type and payload."""

    event_type: str
    aggregate_type: str
    payload: Mapping[str, Any]


@strawberry.type(description="Something that happened to one aggregate of your tenant.")
class DomainEventMessage:
    cursor: str = strawberry.field(
        description="Pass as `since` when you reconnect to receive what you missed."
    )
    event_id: strawberry.ID
    event_type: str
    aggregate_type: str
    aggregate_id: strawberry.ID
    occurred_at: datetime
    payload: JSON

    @classmethod
    def from_published(
        cls, published: PublishedEvent, document: ContractDocument
    ) -> DomainEventMessage:
        """`document` is the event as its seed contract publishes it (the wire's view)."""
        event = published.event
        return cls(
            cursor=str(published.sequence),
            event_id=strawberry.ID(event.event_id),
            event_type=document.event_type,
            aggregate_type=document.aggregate_type,
            aggregate_id=strawberry.ID(event.aggregate_id),
            occurred_at=event.occurred_at,
            payload=plain_json(document.payload),
        )
