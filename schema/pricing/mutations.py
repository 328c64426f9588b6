"""Configuring the tax codes a location offers."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from domain.identity import Permission
from resolvers.pricing import use_cases
from schema.context import Info
from schema.inputs import provided
from schema.permissions import requires
from schema.pricing.types import ItemType, TaxCode


@strawberry.input(
    description="A location's tax code: a new one, or a replacement of the one with this code."
)
class UpsertTaxCodeInput:
    location_id: strawberry.ID
    tax_code: str = strawberry.field(description="One word such as TAXABLE_GOODS.")
    description: str
    rate: Decimal = strawberry.field(description="A fraction from 0 up to 1: 0.08 is 8%.")
    applicable_item_types: list[ItemType] = strawberry.field(description="At least one.")
    version: int | None = strawberry.field(
        default=None,
        description="The version of the tax code you read; leave it empty only to create "
        "one. A stale version, or none when the code exists, is VERSION_CONFLICT.",
    )


@strawberry.type
class PricingMutations:
    @strawberry.mutation(permission_classes=[requires(Permission.TAX_WRITE)])
    async def upsert_tax_code(self, info: Info, input: UpsertTaxCodeInput) -> TaxCode:
        fields = provided(input, skip=("version",), rename={"tax_code": "code"})
        saved = await use_cases.put_tax_code(info.context.uow, fields, input.version)
        return TaxCode.from_domain(saved)
