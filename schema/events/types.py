"""An event as a dashboard receives it."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from domain.events import PublishedEvent
from schema.plain_json import plain_json


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
    def from_published(cls, published: PublishedEvent) -> DomainEventMessage:
        event = published.event
        return cls(
            cursor=str(published.sequence),
            event_id=strawberry.ID(event.event_id),
            event_type=event.event_type,
            aggregate_type=event.aggregate_type,
            aggregate_id=strawberry.ID(event.aggregate_id),
            occurred_at=event.occurred_at,
            payload=plain_json(event.payload),
        )
