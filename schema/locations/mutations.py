"""Setting up locations and their approval policies."""

from __future__ import annotations

import strawberry

from domain.identity import Permission
from domain.money import DEFAULT_CURRENCY
from resolvers.locations import use_cases
from schema.context import Info
from schema.inputs import provided
from schema.locations.types import ApprovalMethod, ApprovalPolicy, Location
from schema.permissions import requires


@strawberry.input
class CreateLocationInput:
    location_id: strawberry.ID | None = strawberry.field(
        default=None, description="Leave empty to take the next LOC-nnn number."
    )
    name: str
    currency_uom_id: str = DEFAULT_CURRENCY
    time_zone: str = strawberry.field(
        default="UTC", description="IANA name, such as America/Chicago."
    )


@strawberry.input
class UpdateLocationInput:
    location_id: strawberry.ID
    version: int = strawberry.field(
        description="The version you read; a stale one is VERSION_CONFLICT."
    )
    name: str | None = strawberry.UNSET
    currency_uom_id: str | None = strawberry.UNSET
    time_zone: str | None = strawberry.UNSET


@strawberry.input
class SetApprovalPolicyInput:
    location_id: strawberry.ID | None = strawberry.field(
        default=None, description="Leave empty to set the business default for all locations."
    )
    approval_method: ApprovalMethod
    require_signature: bool | None = strawberry.field(
        default=None,
        description="Follows from approvalMethod (true exactly for SIGNATURE); a "
        "contradicting value is refused.",
    )
    legal_terms_text: str
    legal_terms_version: str = strawberry.field(description="Such as 2024-01-01.")
    expires_in_days: int = strawberry.field(description="At least 1.")
    version: int | None = strawberry.field(
        default=None,
        description="The version of the policy you read; leave it empty only to create one. "
        "A stale version, or none when the policy exists, is VERSION_CONFLICT.",
    )


@strawberry.type
class LocationMutations:
    @strawberry.mutation(permission_classes=[requires(Permission.LOCATION_WRITE)])
    async def create_location(self, info: Info, input: CreateLocationInput) -> Location:
        fields = provided(input, rename={"location_id": "id"})
        return Location.from_domain(await use_cases.create_location(info.context.uow, fields))

    @strawberry.mutation(permission_classes=[requires(Permission.LOCATION_WRITE)])
    async def update_location(self, info: Info, input: UpdateLocationInput) -> Location:
        changes = provided(input, skip=("location_id", "version"))
        updated = await use_cases.update_location(
            info.context.uow, input.location_id, input.version, changes
        )
        return Location.from_domain(updated)

    @strawberry.mutation(
        description="Set a location's own approval policy, or the business default.",
        permission_classes=[requires(Permission.LOCATION_WRITE)],
    )
    async def set_approval_policy(
        self, info: Info, input: SetApprovalPolicyInput
    ) -> ApprovalPolicy:
        fields = provided(input, skip=("version",))
        saved = await use_cases.set_approval_policy(info.context.uow, fields, input.version)
        return ApprovalPolicy.from_domain(saved, saved.location_id)
