"""Reading estimates and their revisions."""

from __future__ import annotations

import strawberry

from domain.identity import Permission
from resolvers.estimates import editing as use_cases
from schema.context import Info
from schema.estimates.types import Estimate
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
