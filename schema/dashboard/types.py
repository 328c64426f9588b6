"""The operations dashboard as a client reads it."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain.identity import Permission
from domain.service_orders import dashboard as domain
from domain.service_orders import status
from domain.service_orders.status import Priority
from schema.context import Info
from schema.permissions import requires
from schema.references import LocationType, location_of

ServiceOrderStatus = strawberry.enum(
    status.ServiceOrderStatus, description="Where a service order is in its life."
)


@strawberry.type(description="Open orders of one status at one location, per priority.")
class OpenOrdersOfStatus:
    status: ServiceOrderStatus
    total: int
    critical: int
    high: int
    medium: int
    low: int

    @classmethod
    def from_domain(
        cls, status: ServiceOrderStatus, counts: list[domain.OpenOrderCount]
    ) -> OpenOrdersOfStatus:
        by_priority = {c.priority: c.count for c in counts}
        return cls(
            status=status,
            total=sum(by_priority.values()),
            critical=by_priority.get(Priority.CRITICAL, 0),
            high=by_priority.get(Priority.HIGH, 0),
            medium=by_priority.get(Priority.MEDIUM, 0),
            low=by_priority.get(Priority.LOW, 0),
        )


@strawberry.type(description="What one location's operations look like right now.")
class LocationOperations:
    location_id: strawberry.ID

    @strawberry.field(
        description="The location.", permission_classes=[requires(Permission.LOCATION_READ)]
    )
    async def location(self, info: Info) -> LocationType | None:
        return await location_of(info, str(self.location_id))

    open_orders: int = strawberry.field(description="REQUESTED to IN_PROGRESS.")
    at_risk: int = strawberry.field(
        description="Open orders with a target past the at-risk share of its window, unmet."
    )
    breached: int = strawberry.field(description="Open orders with a target breached.")
    breaches_today: int = strawberry.field(
        description="Breaches the SLA monitor raised since 00:00 UTC today."
    )
    awaiting_acknowledgement: int = strawberry.field(
        description="Orders waiting for People's, Order's or Accounting's acknowledgement "
        "before they may be finalized or billed (docs/acknowledgements.md)."
    )
    overdue_acknowledgement: int = strawberry.field(
        description="Of those, the orders with an acknowledgement past its time-out."
    )
    by_status: list[OpenOrdersOfStatus] = strawberry.field(
        description="Open orders per status (in lifecycle order) and priority: a dashboard's "
        "matrix, one row per status that has open orders."
    )

    @classmethod
    def from_domain(cls, row: domain.LocationOperations) -> LocationOperations:
        return cls(
            location_id=strawberry.ID(row.location_id),
            open_orders=row.open_total,
            at_risk=row.at_risk,
            breached=row.breached,
            breaches_today=row.breaches_today,
            awaiting_acknowledgement=row.awaiting_acknowledgement,
            overdue_acknowledgement=row.overdue_acknowledgement,
            by_status=[
                OpenOrdersOfStatus.from_domain(status, counts)
                for status, counts in row.by_status().items()
            ],
        )


@strawberry.type(description="A live operations dashboard: one row per location.")
class OperationsDashboard:
    as_of: datetime = strawberry.field(description="The instant the figures describe.")
    locations: list[LocationOperations]
