"""`slaBreaches`: the SLA monitor's breaches and at-risk warnings, live, per location."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing

import strawberry

from domain.identity import Permission
from resolvers.sla import alerts as use_cases
from schema.context import Info
from schema.permissions import event_reader, requires
from schema.sla.types import Priority, SlaAlertMessage


@strawberry.type
class SlaSubscriptions:
    @strawberry.subscription(
        description="Service level breaches and at-risk warnings of your tenant as the SLA "
        "monitor raises them (each once per order, target and kind), for one `locationId` "
        "and one `priority` when given.",
        permission_classes=[requires(Permission.EVENTS_READ)],
    )
    async def sla_breaches(
        self,
        info: Info,
        location_id: strawberry.ID | None = None,
        priority: Priority | None = None,
    ) -> AsyncGenerator[SlaAlertMessage, None]:
        context = info.context
        principal = context.require(Permission.EVENTS_READ)

        may_see = event_reader(principal, context.clock)

        stream = use_cases.sla_alerts(
            context.hub, context.uow, principal.tenant_id, may_see, location_id, priority
        )
        async with aclosing(stream) as alerts:
            async for published in alerts:
                yield SlaAlertMessage.from_published(published)
