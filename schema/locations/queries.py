"""Location and approval policy lookups (the Location contract of the WorkExec document)."""

from __future__ import annotations

import strawberry

from domain.identity import Permission
from resolvers.locations import use_cases
from schema.context import Info
from schema.locations.types import ApprovalPolicy, Location
from schema.permissions import requires


@strawberry.type
class LocationQueries:
    @strawberry.field(
        description="One location by id; LOCATION_NOT_FOUND if this tenant has none.",
        permission_classes=[requires(Permission.LOCATION_READ)],
    )
    async def location(self, info: Info, id: strawberry.ID) -> Location:
        return Location.from_domain(await use_cases.location(info.context.uow, id))

    @strawberry.field(
        description="The approval policy estimates at a location use: its own "
        "(LOCATION_SPECIFIC) or else the business default (DEFAULT); "
        "APPROVAL_POLICY_NOT_CONFIGURED when there is neither.",
        permission_classes=[requires(Permission.LOCATION_READ)],
    )
    async def approval_policy(self, info: Info, location_id: strawberry.ID) -> ApprovalPolicy:
        return ApprovalPolicy.applied(
            await use_cases.approval_policy(info.context.uow, location_id)
        )
