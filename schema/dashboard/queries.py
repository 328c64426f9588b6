"""`operationsDashboard`: per location, open orders, SLA standing and today's breaches."""

from __future__ import annotations

import strawberry

from domain.identity import Permission
from resolvers import dashboard as use_cases
from schema.context import Info
from schema.dashboard.types import LocationOperations, OperationsDashboard
from schema.permissions import requires


@strawberry.type
class DashboardQueries:
    @strawberry.field(
        description="Per location: open orders by status and priority, how many are at risk "
        "or breached, and breaches raised today; one `locationId`, or every location with "
        "open orders or breaches today.",
        permission_classes=[requires(Permission.SERVICE_ORDER_READ)],
    )
    async def operations_dashboard(
        self, info: Info, location_id: strawberry.ID | None = None
    ) -> OperationsDashboard:
        now = info.context.clock.now()
        rows = await use_cases.operations_dashboard(info.context.uow, now, location_id)
        return OperationsDashboard(
            as_of=now, locations=[LocationOperations.from_domain(r) for r in rows]
        )
