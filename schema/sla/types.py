"""SLA alerts as a dashboard receives them, and the enums they are described with."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain.events import PublishedEvent
from domain.service_orders import sla, status
from domain.service_orders.sla_alerts import AlertKind, SlaAlertFacts

Priority = strawberry.enum(status.Priority, description="How urgent a service order is.")
SlaTarget = strawberry.enum(
    sla.SlaTarget,
    description="RESPONSE: the order is scheduled in time; RESOLUTION: it is completed in time.",
)
SlaAlertKind = strawberry.enum(
    AlertKind,
    name="SlaAlertKind",
    description="AT_RISK: the policy's share of the window (80% by default) has passed with "
    "the target unmet; BREACHED: its due time has passed unmet.",
)


@strawberry.type(
    description="A service level warning or breach, published once per order, target and kind."
)
class SlaAlertMessage:
    cursor: str = strawberry.field(
        description="The event's place in your tenant's stream (as in `domainEvents`)."
    )
    event_id: strawberry.ID
    kind: SlaAlertKind
    service_order_id: strawberry.ID
    customer_id: strawberry.ID
    location_id: strawberry.ID
    priority: Priority
    target: SlaTarget
    due_at: datetime
    detected_at: datetime

    @classmethod
    def from_published(cls, published: PublishedEvent) -> SlaAlertMessage:
        event = published.event
        assert isinstance(event, SlaAlertFacts), "slaBreaches streams SLA alerts only"
        return cls(
            cursor=str(published.sequence),
            event_id=strawberry.ID(event.event_id),
            kind=event.kind,
            service_order_id=strawberry.ID(event.aggregate_id),
            customer_id=strawberry.ID(event.customer_id),
            location_id=strawberry.ID(event.location_id),
            priority=event.priority,
            target=event.target,
            due_at=event.due_at,
            detected_at=event.occurred_at,
        )
