"""Reading estimates and their revisions."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain.estimates.search import EstimateFilter
from domain.identity import Permission
from resolvers.estimates import editing as use_cases
from resolvers.estimates import listing
from schema.context import Info
from schema.estimates.types import Estimate, EstimateStatus
from schema.paging import Page, page_request
from schema.permissions import requires


@strawberry.type
class EstimateQueries:
    @strawberry.field(
        description="One revision by id (EST-001, EST-001-R2); ESTIMATE_NOT_FOUND if none.",
        permission_classes=[requires(Permission.ESTIMATE_READ)],
    )
    async def estimate(self, info: Info, id: strawberry.ID) -> Estimate:
        return Estimate.from_domain(await use_cases.estimate(info.context.uow, id))

    @strawberry.field(
        description="Every revision of an estimate number, the first first.",
        permission_classes=[requires(Permission.ESTIMATE_READ)],
    )
    async def estimate_revisions(self, info: Info, estimate_number: str) -> list[Estimate]:
        found = await use_cases.estimate_revisions(info.context.uow, estimate_number)
        return [Estimate.from_domain(e) for e in found]

    @strawberry.field(
        description="Estimate revisions, newest first, narrowed by customer, vehicle, location, "
        "statuses (as seen now: EXPIRED is a pending estimate past its validity) and creation "
        "(`since` inclusive, `until` exclusive), each optional.",
        permission_classes=[requires(Permission.ESTIMATE_READ)],
    )
    async def estimates(
        self,
        info: Info,
        customer_id: strawberry.ID | None = None,
        vehicle_id: strawberry.ID | None = None,
        location_id: strawberry.ID | None = None,
        status: list[EstimateStatus] | None = None,  # type: ignore[valid-type]
        since: datetime | None = None,
        until: datetime | None = None,
        page_index: int | None = 0,
        page_size: int | None = 20,
    ) -> Page[Estimate]:
        where = EstimateFilter(
            customer_id=customer_id,
            vehicle_id=vehicle_id,
            location_id=location_id,
            statuses=tuple(status or ()),
            since=since,
            until=until,
        )
        page = await listing.estimates(
            info.context.uow, where, info.context.clock.now(), page_request(page_index, page_size)
        )
        return Page.of(page, Estimate.from_domain)
