"""Registering and editing customers and vehicles."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from domain.identity import Permission
from resolvers.customers import use_cases
from schema.context import Info
from schema.customers.types import Customer, Vehicle
from schema.inputs import provided
from schema.permissions import requires


@strawberry.input
class CreateCustomerInput:
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Leave empty to take the next CUST-nnn number."
    )
    name: str
    email: str | None = None
    phone: str | None = None
    party_id: str | None = None
    billing_terms_id: str | None = None
    credit_limit: Decimal | None = strawberry.field(
        default=None, description="In cents at most; leave empty for no limit."
    )


@strawberry.input
class UpdateCustomerInput:
    customer_id: strawberry.ID
    version: int = strawberry.field(
        description="The version you read; a stale one is VERSION_CONFLICT."
    )
    name: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    party_id: str | None = strawberry.UNSET
    billing_terms_id: str | None = strawberry.UNSET
    credit_limit: Decimal | None = strawberry.field(
        default=strawberry.UNSET, description="null removes the limit."
    )


@strawberry.input
class CreateVehicleInput:
    vehicle_id: strawberry.ID | None = strawberry.field(
        default=None, description="Leave empty to take the next VEH-nnn number."
    )
    customer_id: strawberry.ID
    vin: str = strawberry.field(description="17 characters, no I, O or Q; unique per tenant.")
    unit_number: str | None = None
    description: str | None = None
    license_plate: str | None = None


@strawberry.input
class UpdateVehicleInput:
    vehicle_id: strawberry.ID
    version: int = strawberry.field(
        description="The version you read; a stale one is VERSION_CONFLICT."
    )
    customer_id: strawberry.ID | None = strawberry.UNSET
    vin: str | None = strawberry.UNSET
    unit_number: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    license_plate: str | None = strawberry.UNSET


@strawberry.type
class CustomerMutations:
    @strawberry.mutation(permission_classes=[requires(Permission.CUSTOMER_WRITE)])
    async def create_customer(self, info: Info, input: CreateCustomerInput) -> Customer:
        fields = provided(input, rename={"customer_id": "id"})
        return Customer.from_domain(
            await use_cases.create_customer(info.context.uow, info.context.clock, fields)
        )

    @strawberry.mutation(permission_classes=[requires(Permission.CUSTOMER_WRITE)])
    async def update_customer(self, info: Info, input: UpdateCustomerInput) -> Customer:
        changes = provided(input, skip=("customer_id", "version"))
        updated = await use_cases.update_customer(
            info.context.uow, info.context.clock, input.customer_id, input.version, changes
        )
        return Customer.from_domain(updated)

    @strawberry.mutation(permission_classes=[requires(Permission.VEHICLE_WRITE)])
    async def create_vehicle(self, info: Info, input: CreateVehicleInput) -> Vehicle:
        fields = provided(input, rename={"vehicle_id": "id"})
        return Vehicle.from_domain(
            await use_cases.create_vehicle(info.context.uow, info.context.clock, fields)
        )

    @strawberry.mutation(permission_classes=[requires(Permission.VEHICLE_WRITE)])
    async def update_vehicle(self, info: Info, input: UpdateVehicleInput) -> Vehicle:
        changes = provided(input, skip=("vehicle_id", "version"))
        updated = await use_cases.update_vehicle(
            info.context.uow, info.context.clock, input.vehicle_id, input.version, changes
        )
        return Vehicle.from_domain(updated)
