"""Parts, services and categories as clients see them (names mirror the catalog DTOs)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from domain import catalog as domain
from domain.identity import Permission
from schema.context import Info
from schema.inventory.types import StockLevel
from schema.permissions import requires

Availability = strawberry.enum(
    domain.Availability, description="Whether a part can be put on an estimate today."
)
PricingModel = strawberry.enum(
    domain.PricingModel,
    description="TIME_BASED: unitRate per labor unit; FLAT_RATE: unitRate is the price.",
)


@strawberry.type(description="A group of parts in the catalog, such as 'Brakes & Rotors'.")
class ProductCategory:
    category_id: strawberry.ID
    name: str
    version: int

    @classmethod
    def from_domain(cls, c: domain.ProductCategory) -> ProductCategory:
        return cls(category_id=strawberry.ID(c.id), name=c.name, version=c.version)


@strawberry.type(description="A part in the catalog, as the part picker of an estimate shows it.")
class Part:
    product_id: strawberry.ID
    sku: str
    name: str
    description: str | None
    unit_price: Decimal
    currency_uom_id: str
    tax_code: str | None = strawberry.field(
        description="Empty until set; an estimate line then needs one (MISSING_TAX_CODE)."
    )
    availability: Availability
    category_id: strawberry.ID | None
    category_name: str | None
    version: int = strawberry.field(description="Send back with an update to detect conflicts.")
    created_at: datetime | None
    updated_at: datetime | None

    @strawberry.field(
        description="The part's stock at every location that holds it.",
        permission_classes=[requires(Permission.INVENTORY_READ)],
    )
    async def stock(self, info: Info) -> list[StockLevel]:
        found = await info.context.loaders.stock_by_product.load(self.product_id)
        return [StockLevel.from_domain(item) for item in found]

    @classmethod
    def from_domain(cls, p: domain.Part) -> Part:
        return cls(
            product_id=strawberry.ID(p.id),
            sku=p.sku,
            name=p.name,
            description=p.description,
            unit_price=p.unit_price,
            currency_uom_id=p.currency_uom_id,
            tax_code=p.tax_code,
            availability=p.availability,
            category_id=strawberry.ID(p.category_id) if p.category_id else None,
            category_name=p.category_name,
            version=p.version,
            created_at=p.created_at,
            updated_at=p.updated_at,
        )


@strawberry.type(description="Labor or a service in the catalog, as the service picker shows it.")
class Service:
    service_id: strawberry.ID
    name: str
    description: str | None
    pricing_model: PricingModel
    labor_units: Decimal
    unit_rate: Decimal
    currency_uom_id: str
    tax_code: str | None
    category: str = strawberry.field(description="Such as LABOR, DIAGNOSTIC or INSPECTION.")
    version: int
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_domain(cls, s: domain.Service) -> Service:
        return cls(
            service_id=strawberry.ID(s.id),
            name=s.name,
            description=s.description,
            pricing_model=s.pricing_model,
            labor_units=s.labor_units,
            unit_rate=s.unit_rate,
            currency_uom_id=s.currency_uom_id,
            tax_code=s.tax_code,
            category=s.category,
            version=s.version,
            created_at=s.created_at,
            updated_at=s.updated_at,
        )
