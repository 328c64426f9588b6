"""Drafting, pricing and deciding estimates; every change carries the version seen."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from domain.identity import Permission
from resolvers.estimates import decisions
from resolvers.estimates import editing as use_cases
from schema.context import Info
from schema.estimates.types import Estimate
from schema.permissions import requires

VERSION = "The estimate's version you read; a stale one is VERSION_CONFLICT."


@strawberry.input
class CreateEstimateInput:
    estimate_id: strawberry.ID | None = strawberry.field(
        default=None, description="Leave empty to take the next EST-nnn number."
    )
    customer_id: strawberry.ID
    vehicle_id: strawberry.ID = strawberry.field(description="One of the customer's vehicles.")
    location_id: strawberry.ID


@strawberry.input
class AddPartToEstimateInput:
    estimate_id: strawberry.ID
    version: int = strawberry.field(description=VERSION)
    product_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="A catalog part; leave empty for a part the catalog does not list "
        "(needs workexec:estimate:add_non_catalog_part, a description and a unitPrice).",
    )
    quantity: Decimal = Decimal(1)
    unit_price: Decimal | None = strawberry.field(
        default=None,
        description="Empty: the catalog price. Another price needs "
        "workexec:estimate:override_price.",
    )
    description: str | None = strawberry.field(default=None, description="Non-catalog parts.")
    tax_code: str | None = strawberry.field(default=None, description="Non-catalog parts.")


@strawberry.input
class AddServiceToEstimateInput:
    estimate_id: strawberry.ID
    version: int = strawberry.field(description=VERSION)
    service_id: strawberry.ID
    quantity: Decimal = Decimal(1)


@strawberry.input
class UpdateEstimateItemQuantityInput:
    estimate_id: strawberry.ID
    version: int = strawberry.field(description=VERSION)
    item_id: strawberry.ID
    quantity: Decimal


@strawberry.input
class RemoveEstimateItemInput:
    estimate_id: strawberry.ID
    version: int = strawberry.field(description=VERSION)
    item_id: strawberry.ID


@strawberry.input
class SetEstimateDiscountInput:
    estimate_id: strawberry.ID
    version: int = strawberry.field(description=VERSION)
    discount_percent: Decimal | None = strawberry.field(default=None, description="0 to 100.")
    discount_amount: Decimal | None = strawberry.field(
        default=None, description="Money off; give a percent or an amount, neither removes it."
    )


@strawberry.input
class EstimateVersionInput:
    estimate_id: strawberry.ID
    version: int = strawberry.field(description=VERSION)


@strawberry.input
class ApproveEstimateInput:
    estimate_id: strawberry.ID
    version: int = strawberry.field(description=VERSION)
    signature: str | None = strawberry.field(
        default=None, description="The captured signature; required when the policy says so."
    )


@strawberry.input
class DeclineEstimateInput:
    estimate_id: strawberry.ID
    version: int = strawberry.field(description=VERSION)
    reason: str


WRITE = [requires(Permission.ESTIMATE_WRITE)]
APPROVE = [requires(Permission.ESTIMATE_APPROVE)]


@strawberry.type
class EstimateMutations:
    @strawberry.mutation(
        description="A DRAFT estimate for a customer's vehicle at a location.",
        permission_classes=WRITE,
    )
    async def create_estimate(self, info: Info, input: CreateEstimateInput) -> Estimate:
        created = await use_cases.create_estimate(
            info.context.uow,
            info.context.clock,
            info.context.require(Permission.ESTIMATE_WRITE),
            input.customer_id,
            input.vehicle_id,
            input.location_id,
            input.estimate_id,
        )
        return Estimate.from_domain(created)

    @strawberry.mutation(
        description="Add a part at its catalog price and tax code.", permission_classes=WRITE
    )
    async def add_part_to_estimate(self, info: Info, input: AddPartToEstimateInput) -> Estimate:
        changed = await use_cases.add_part(
            info.context.uow,
            info.context.require(Permission.ESTIMATE_WRITE),
            input.estimate_id,
            input.version,
            input.quantity,
            product_id=input.product_id,
            unit_price=input.unit_price,
            description=input.description,
            tax_code=input.tax_code,
        )
        return Estimate.from_domain(changed)

    @strawberry.mutation(
        description="Add a catalog service: FLAT_RATE charges its rate, TIME_BASED labor "
        "units x rate.",
        permission_classes=WRITE,
    )
    async def add_service_to_estimate(
        self, info: Info, input: AddServiceToEstimateInput
    ) -> Estimate:
        changed = await use_cases.add_service(
            info.context.uow, input.estimate_id, input.version, input.service_id, input.quantity
        )
        return Estimate.from_domain(changed)

    @strawberry.mutation(
        description="Change a line's quantity (positive); the line and totals are repriced.",
        permission_classes=WRITE,
    )
    async def update_estimate_item_quantity(
        self, info: Info, input: UpdateEstimateItemQuantityInput
    ) -> Estimate:
        changed = await use_cases.update_item_quantity(
            info.context.uow, input.estimate_id, input.version, input.item_id, input.quantity
        )
        return Estimate.from_domain(changed)

    @strawberry.mutation(
        description="Remove a line from a draft; the totals are recalculated.",
        permission_classes=WRITE,
    )
    async def remove_estimate_item(self, info: Info, input: RemoveEstimateItemInput) -> Estimate:
        changed = await use_cases.remove_item(
            info.context.uow, input.estimate_id, input.version, input.item_id
        )
        return Estimate.from_domain(changed)

    @strawberry.mutation(
        description="Discount before tax: a percent or an amount.", permission_classes=WRITE
    )
    async def set_estimate_discount(self, info: Info, input: SetEstimateDiscountInput) -> Estimate:
        changed = await use_cases.set_discount(
            info.context.uow,
            input.estimate_id,
            input.version,
            input.discount_percent,
            input.discount_amount,
        )
        return Estimate.from_domain(changed)

    @strawberry.mutation(
        description="Send the draft for approval under the location's approval policy.",
        permission_classes=WRITE,
    )
    async def submit_estimate(self, info: Info, input: EstimateVersionInput) -> Estimate:
        decided = await decisions.submit_estimate(
            info.context.uow,
            info.context.clock,
            info.context.require(Permission.ESTIMATE_WRITE),
            input.estimate_id,
            input.version,
        )
        return Estimate.from_domain(decided)

    @strawberry.mutation(
        description="Record the customer's approval; publishes trakservice.quote.approved.v1.",
        permission_classes=APPROVE,
    )
    async def approve_estimate(self, info: Info, input: ApproveEstimateInput) -> Estimate:
        decided = await decisions.approve_estimate(
            info.context.uow,
            info.context.clock,
            info.context.require(Permission.ESTIMATE_APPROVE),
            input.estimate_id,
            input.version,
            input.signature,
        )
        return Estimate.from_domain(decided)

    @strawberry.mutation(
        description="Record that the customer declined the estimate, and their reason.",
        permission_classes=APPROVE,
    )
    async def decline_estimate(self, info: Info, input: DeclineEstimateInput) -> Estimate:
        decided = await decisions.decline_estimate(
            info.context.uow,
            info.context.clock,
            info.context.require(Permission.ESTIMATE_APPROVE),
            input.estimate_id,
            input.version,
            input.reason,
        )
        return Estimate.from_domain(decided)

    @strawberry.mutation(
        description="Open a new DRAFT revision of a pending, approved or declined estimate.",
        permission_classes=WRITE,
    )
    async def revise_estimate(self, info: Info, input: EstimateVersionInput) -> Estimate:
        revised = await decisions.revise_estimate(
            info.context.uow,
            info.context.clock,
            info.context.require(Permission.ESTIMATE_WRITE),
            input.estimate_id,
            input.version,
        )
        return Estimate.from_domain(revised)
