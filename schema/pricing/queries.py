"""Tax code lookup and tax calculation (the Pricing contracts of the WorkExec document).

`calculateTax` is a query, not a mutation: it computes and stores nothing.
"""

from __future__ import annotations

from decimal import Decimal

import strawberry

from domain.identity import Permission
from domain.tax import TaxableItem
from resolvers.pricing import use_cases
from schema.context import Info
from schema.permissions import requires
from schema.pricing.types import ItemType, TaxCalculation, TaxCode


@strawberry.input(description="One estimate line to tax.")
class TaxableItemInput:
    item_id: strawberry.ID
    item_type: ItemType
    subtotal: Decimal = strawberry.field(description="Not negative, at most two decimals.")
    tax_code: str | None = strawberry.field(
        default=None, description="Required: a line without one is MISSING_TAX_CODE."
    )


@strawberry.input
class CalculateTaxInput:
    location_id: strawberry.ID
    items: list[TaxableItemInput]


@strawberry.type
class PricingQueries:
    @strawberry.field(
        description="The tax codes configured for a location, optionally only those that "
        "may tax one item type; LOCATION_NOT_FOUND for an unknown location.",
        permission_classes=[requires(Permission.TAX_READ)],
    )
    async def tax_codes(
        self, info: Info, location_id: strawberry.ID, item_type: ItemType | None = None
    ) -> list[TaxCode]:
        found = await use_cases.tax_codes(info.context.uow, location_id, item_type)
        return [TaxCode.from_domain(t) for t in found]

    @strawberry.field(
        description="Tax per line at the location's rates, and the totals. Every faulty "
        "line is reported (MISSING_TAX_CODE, TAX_CODE_NOT_CONFIGURED, TAX_CODE_NOT_APPLICABLE, "
        "with extensions.field like items[1].taxCode).",
        permission_classes=[requires(Permission.TAX_READ)],
    )
    async def calculate_tax(self, info: Info, input: CalculateTaxInput) -> TaxCalculation:
        items = [
            TaxableItem(
                item_id=i.item_id, item_type=i.item_type, subtotal=i.subtotal, tax_code=i.tax_code
            )
            for i in input.items
        ]
        calculated = await use_cases.calculate_location_tax(
            info.context.uow, input.location_id, items
        )
        return TaxCalculation.from_domain(calculated)
