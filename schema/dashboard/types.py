"""The operations dashboard as a client reads it."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain.service_orders import dashboard as domain
from domain.service_orders import status
from schema.sla.types import Priority

ServiceOrderStatus = strawberry.enum(
    status.ServiceOrderStatus, description="Where a service order is in its life."
)


@strawberry.type(description="Open orders of one status and priority at one location.")
class OpenOrderCount:
    status: ServiceOrderStatus
    priority: Priority
    count: int
    at_risk: int = strawberry.field(description="Of these, orders with a target at risk now.")
    breached: int = strawberry.field(description="Of these, orders with a target breached.")

    @classmethod
    def from_domain(cls, c: domain.OpenOrderCount) -> OpenOrderCount:
        return cls(
            status=c.status,
            priority=c.priority,
            count=c.count,
            at_risk=c.at_risk,
            breached=c.breached,
        )


@strawberry.type(description="What one location's operations look like right now.")
class LocationOperations:
    location_id: strawberry.ID
    open_orders: int = strawberry.field(description="REQUESTED to IN_PROGRESS.")
    at_risk: int = strawberry.field(
        description="Open orders with a target past the at-risk share of its window, unmet."
    )
    breached: int = strawberry.field(description="Open orders with a target breached.")
    breaches_today: int = strawberry.field(
        description="Breaches the SLA monitor raised since 00:00 UTC today."
    )
    by_status_and_priority: list[OpenOrderCount]

    @classmethod
    def from_domain(cls, row: domain.LocationOperations) -> LocationOperations:
        return cls(
            location_id=strawberry.ID(row.location_id),
            open_orders=row.open_total,
            at_risk=row.at_risk,
            breached=row.breached,
            breaches_today=row.breaches_today,
            by_status_and_priority=[OpenOrderCount.from_domain(c) for c in row.open_orders],
        )


@strawberry.type(description="A live operations dashboard: one row per location.")
class OperationsDashboard:
    as_of: datetime = strawberry.field(description="The instant the figures describe.")
    locations: list[LocationOperations]
