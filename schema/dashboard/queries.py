"""`operationsDashboard`: per location, open orders, SLA standing and today's breaches."""

from __future__ import annotations

import strawberry

from domain.identity import Permission
from resolvers.dashboard import use_cases
from schema.context import Info
from schema.dashboard.types import LocationOperations, OperationsDashboard
from schema.permissions import requires


@strawberry.type
class DashboardQueries:
    @strawberry.field(
        description="Per location: open orders by status and priority, how many are at risk "
        "or breached, and breaches raised today; one `locationId`, or every location with "
        "open orders or breaches today. Screens asking at the same moment share one reading, "
        "at most `DASHBOARD_FRESH_SECONDS` old (see `asOf`).",
        permission_classes=[requires(Permission.SERVICE_ORDER_READ)],
    )
    async def operations_dashboard(
        self, info: Info, location_id: strawberry.ID | None = None
    ) -> OperationsDashboard:
        context = info.context
        tenant_id = context.require(Permission.SERVICE_ORDER_READ).tenant_id
        reading = await context.dashboards.read(
            tenant_id,
            location_id,
            lambda: use_cases.operations_dashboard(context.uow, context.clock.now(), location_id),
        )
        return OperationsDashboard(
            as_of=reading.as_of,
            locations=[LocationOperations.from_domain(r) for r in reading.locations],
        )
