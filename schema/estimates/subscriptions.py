"""`estimateStatusChanged`: an estimate's (or a location's estimates') moves, live.

Fed by Kafka through the event backbone: the status-changed events the decisions
record in the outbox, delivered by the hub (see docs/events.md).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from decimal import Decimal

import strawberry

from domain.estimates import EstimateStatusChanged
from domain.events import PublishedEvent
from domain.identity import Permission
from resolvers.events.streams import status_changes
from schema.context import Info
from schema.estimates.types import EstimateStatus
from schema.permissions import event_reader, requires


@strawberry.type(description="An estimate moved to another status (status_changed).")
class EstimateStatusChange:
    cursor: str = strawberry.field(description="The event's place in your tenant's stream.")
    event_id: strawberry.ID
    estimate_id: strawberry.ID
    estimate_number: str
    revision: int
    previous_status: EstimateStatus | None = strawberry.field(  # type: ignore[valid-type]
        description="Null for a new revision."
    )
    new_status: EstimateStatus  # type: ignore[valid-type]
    location_id: strawberry.ID
    customer_id: strawberry.ID
    grand_total: Decimal
    previous_estimate_id: strawberry.ID | None
    status_changed_at: datetime
    status_changed_by: str

    @classmethod
    def from_published(cls, published: PublishedEvent) -> EstimateStatusChange:
        change = published.event
        assert isinstance(change, EstimateStatusChanged)
        previous = change.previous_estimate_id
        return cls(
            cursor=str(published.sequence),
            event_id=strawberry.ID(change.event_id),
            estimate_id=strawberry.ID(change.aggregate_id),
            estimate_number=change.number,
            revision=change.revision,
            previous_status=change.previous_status,
            new_status=change.new_status,
            location_id=strawberry.ID(change.location_id),
            customer_id=strawberry.ID(change.customer_id),
            grand_total=change.grand_total,
            previous_estimate_id=None if previous is None else strawberry.ID(previous),
            status_changed_at=change.occurred_at,
            status_changed_by=change.changed_by,
        )


@strawberry.type
class EstimateSubscriptions:
    @strawberry.subscription(
        description="Status changes of one estimate (estimateId), of every estimate of a "
        "location (locationId), or of both filters at once.",
        permission_classes=[requires(Permission.ESTIMATE_READ)],
    )
    async def estimate_status_changed(
        self,
        info: Info,
        estimate_id: strawberry.ID | None = None,
        location_id: strawberry.ID | None = None,
    ) -> AsyncGenerator[EstimateStatusChange, None]:
        context = info.context
        principal = context.require(Permission.ESTIMATE_READ)

        may_see = event_reader(principal, context.clock, Permission.ESTIMATE_READ)

        stream = status_changes(
            context.hub,
            context.uow,
            principal.tenant_id,
            may_see,
            EstimateStatusChanged.__name__,
            estimate_id,
            location_id,
        )
        async for published in stream:
            yield EstimateStatusChange.from_published(published)
