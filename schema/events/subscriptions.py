"""`domainEvents`: every change of the caller's tenant, live, resumable from a cursor."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from domain.identity import Permission
from resolvers.events import streams as use_cases
from schema.context import Info
from schema.events.types import DomainEventMessage
from schema.permissions import event_reader, requires


@strawberry.type
class EventSubscriptions:
    @strawberry.subscription(
        description="Domain events of your tenant as they happen. Filter by event `types` "
        "and one `aggregateId`; pass `since` (the `cursor` of the last event you saw) to "
        "first receive everything you missed.",
        permission_classes=[requires(Permission.EVENTS_READ)],
    )
    async def domain_events(
        self,
        info: Info,
        types: list[str] | None = None,
        aggregate_id: strawberry.ID | None = None,
        since: str | None = None,
    ) -> AsyncGenerator[DomainEventMessage, None]:
        context = info.context
        principal = context.require(Permission.EVENTS_READ)

        may_see = event_reader(principal, context.clock)

        stream = use_cases.domain_events(
            context.hub,
            context.uow,
            principal.tenant_id,
            may_see,
            types,
            aggregate_id,
            use_cases.parse_cursor(since),
        )
        async for published in stream:
            yield DomainEventMessage.from_published(
                published, use_cases.as_published(published.event)
            )
