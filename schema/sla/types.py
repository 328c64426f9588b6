"""SLA alerts as a dashboard receives them, and the enums they are described with."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain.events import PublishedEvent
from domain.service_orders import sla, status
from domain.service_orders.events import SLA_BREACHED
from domain.service_orders.sla_alerts import AlertKind

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
        payload = event.payload
        breached = event.event_type == SLA_BREACHED
        return cls(
            cursor=str(published.sequence),
            event_id=strawberry.ID(event.event_id),
            kind=AlertKind.BREACHED if breached else AlertKind.AT_RISK,
            service_order_id=strawberry.ID(payload["serviceOrderId"]),
            customer_id=strawberry.ID(payload["customerId"]),
            location_id=strawberry.ID(payload["locationId"]),
            priority=status.Priority(payload["priority"]),
            target=sla.SlaTarget[payload["target"]],
            due_at=datetime.fromisoformat(payload["dueAt"]),
            detected_at=datetime.fromisoformat(payload["detectedAt"]),
        )
