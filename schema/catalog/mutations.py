"""Maintaining the catalog: categories, parts and services."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from domain.identity import Permission
from domain.money import DEFAULT_CURRENCY
from resolvers.catalog import use_cases
from schema.catalog.types import Availability, Part, PricingModel, ProductCategory, Service
from schema.context import Info
from schema.inputs import provided
from schema.permissions import requires


@strawberry.input
class CreateProductCategoryInput:
    category_id: strawberry.ID | None = strawberry.field(
        default=None, description="Leave empty to take the next CAT-nnn number."
    )
    name: str


@strawberry.input
class CreatePartInput:
    product_id: strawberry.ID | None = strawberry.field(
        default=None, description="Leave empty to take the next PART-nnn number."
    )
    sku: str = strawberry.field(description="Unique per business; stored upper-case.")
    name: str
    description: str | None = None
    unit_price: Decimal = strawberry.field(description="Not negative, at most two decimals.")
    currency_uom_id: str = DEFAULT_CURRENCY
    tax_code: str | None = None
    availability: Availability = Availability.IN_STOCK
    category_id: strawberry.ID | None = None


@strawberry.input
class UpdatePartInput:
    product_id: strawberry.ID
    version: int = strawberry.field(
        description="The version you read; a stale one is VERSION_CONFLICT."
    )
    sku: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    unit_price: Decimal | None = strawberry.UNSET
    currency_uom_id: str | None = strawberry.UNSET
    tax_code: str | None = strawberry.UNSET
    availability: Availability | None = strawberry.UNSET
    category_id: strawberry.ID | None = strawberry.UNSET


@strawberry.input
class CreateServiceInput:
    service_id: strawberry.ID | None = strawberry.field(
        default=None, description="Leave empty to take the next SVC-nnn number."
    )
    name: str
    description: str | None = None
    pricing_model: PricingModel
    labor_units: Decimal = strawberry.field(
        default=Decimal("0"), description="Hours of labor; not negative, at most two decimals."
    )
    unit_rate: Decimal = strawberry.field(description="Not negative, at most two decimals.")
    currency_uom_id: str = DEFAULT_CURRENCY
    tax_code: str | None = None
    category: str = strawberry.field(description="Such as LABOR, DIAGNOSTIC or INSPECTION.")


@strawberry.input
class UpdateServiceInput:
    service_id: strawberry.ID
    version: int = strawberry.field(
        description="The version you read; a stale one is VERSION_CONFLICT."
    )
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    pricing_model: PricingModel | None = strawberry.UNSET
    labor_units: Decimal | None = strawberry.UNSET
    unit_rate: Decimal | None = strawberry.UNSET
    currency_uom_id: str | None = strawberry.UNSET
    tax_code: str | None = strawberry.UNSET
    category: str | None = strawberry.UNSET


@strawberry.type
class CatalogMutations:
    @strawberry.mutation(permission_classes=[requires(Permission.CATALOG_WRITE)])
    async def create_product_category(
        self, info: Info, input: CreateProductCategoryInput
    ) -> ProductCategory:
        fields = provided(input, rename={"category_id": "id"})
        created = await use_cases.create_product_category(info.context.uow, fields)
        return ProductCategory.from_domain(created)

    @strawberry.mutation(permission_classes=[requires(Permission.CATALOG_WRITE)])
    async def create_part(self, info: Info, input: CreatePartInput) -> Part:
        fields = provided(input, rename={"product_id": "id"})
        return Part.from_domain(await use_cases.create_part(info.context.uow, fields))

    @strawberry.mutation(permission_classes=[requires(Permission.CATALOG_WRITE)])
    async def update_part(self, info: Info, input: UpdatePartInput) -> Part:
        changes = provided(input, skip=("product_id", "version"))
        updated = await use_cases.update_part(
            info.context.uow, input.product_id, input.version, changes
        )
        return Part.from_domain(updated)

    @strawberry.mutation(permission_classes=[requires(Permission.CATALOG_WRITE)])
    async def create_service(self, info: Info, input: CreateServiceInput) -> Service:
        fields = provided(input, rename={"service_id": "id"})
        return Service.from_domain(await use_cases.create_service(info.context.uow, fields))

    @strawberry.mutation(permission_classes=[requires(Permission.CATALOG_WRITE)])
    async def update_service(self, info: Info, input: UpdateServiceInput) -> Service:
        changes = provided(input, skip=("service_id", "version"))
        updated = await use_cases.update_service(
            info.context.uow, input.service_id, input.version, changes
        )
        return Service.from_domain(updated)
