"""Tax codes and tax calculations as clients see them (names mirror the pricing DTOs)."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from domain import tax as domain
from domain.identity import Permission
from schema.context import Info
from schema.permissions import requires
from schema.references import LocationType, location_of

ItemType = strawberry.enum(domain.ItemType, description="What kind of line an estimate item is.")


@strawberry.type(description="A tax code a location offers, and the item types it may tax.")
class TaxCode:
    tax_code: str
    description: str
    rate: Decimal = strawberry.field(description="A fraction: 0.08 is 8%.")
    applicable_item_types: list[ItemType]
    location_id: strawberry.ID
    version: int = strawberry.field(description="Send it back to replace this tax code.")

    @strawberry.field(
        description="The location that offers it.",
        permission_classes=[requires(Permission.LOCATION_READ)],
    )
    async def location(self, info: Info) -> LocationType | None:
        return await location_of(info, str(self.location_id))

    @classmethod
    def from_domain(cls, t: domain.TaxCode) -> TaxCode:
        return cls(
            tax_code=t.code,
            description=t.description,
            rate=t.rate,
            applicable_item_types=list(t.applicable_item_types),
            location_id=strawberry.ID(t.location_id),
            version=t.version,
        )


@strawberry.type(description="The tax on one estimate line, rounded half-up to the cent.")
class TaxedItem:
    item_id: strawberry.ID
    tax_amount: Decimal
    line_total: Decimal = strawberry.field(description="subtotal + taxAmount.")


@strawberry.type(description="Tax per line and totals; totals are sums of the rounded lines.")
class TaxCalculation:
    items: list[TaxedItem]
    subtotal: Decimal
    total_tax: Decimal
    grand_total: Decimal
    currency_uom_id: str = strawberry.field(description="The location's currency.")

    @classmethod
    def from_domain(cls, c: domain.TaxCalculation) -> TaxCalculation:
        return cls(
            items=[
                TaxedItem(
                    item_id=strawberry.ID(i.item_id),
                    tax_amount=i.tax_amount,
                    line_total=i.line_total,
                )
                for i in c.items
            ],
            subtotal=c.subtotal,
            total_tax=c.total_tax,
            grand_total=c.grand_total,
            currency_uom_id=c.currency_uom_id,
        )
