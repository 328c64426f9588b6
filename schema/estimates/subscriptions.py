"""`estimateStatusChanged`: an estimate's (or a location's estimates') moves, live.

Fed by Kafka through the event backbone: the status-changed events the decisions
record in the outbox, delivered by the hub (see docs/events.md).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from decimal import Decimal

import strawberry

from domain.estimates import ESTIMATE_STATUS_CHANGED
from domain.events import PublishedEvent
from domain.identity import Permission
from resolvers.events.streams import status_changes
from schema.context import Info
from schema.permissions import event_reader, requires


@strawberry.type(description="An estimate moved to another status.")
class EstimateStatusChange:
    cursor: str
    estimate_id: strawberry.ID
    estimate_number: str
    revision: int
    previous_status: str | None = strawberry.field(description="Null for a new revision.")
    new_status: str
    location_id: strawberry.ID
    customer_id: strawberry.ID
    grand_total: Decimal
    previous_estimate_id: strawberry.ID | None
    status_changed_at: str
    status_changed_by: str

    @classmethod
    def from_published(cls, published: PublishedEvent) -> EstimateStatusChange:
        p = published.event.payload
        return cls(
            cursor=str(published.sequence),
            estimate_id=strawberry.ID(p["estimateId"]),
            estimate_number=p["estimateNumber"],
            revision=p["revision"],
            previous_status=p["previousStatus"],
            new_status=p["newStatus"],
            location_id=strawberry.ID(p["locationId"]),
            customer_id=strawberry.ID(p["customerId"]),
            grand_total=Decimal(str(p["grandTotal"])),
            previous_estimate_id=p.get("previousEstimateId"),
            status_changed_at=p["statusChangedAt"],
            status_changed_by=p["statusChangedBy"],
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
            ESTIMATE_STATUS_CHANGED,
            estimate_id,
            location_id,
        )
        async for published in stream:
            yield EstimateStatusChange.from_published(published)
