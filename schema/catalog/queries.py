"""Catalog lookups (the Product/Catalog search contracts of the WorkExec document)."""

from __future__ import annotations

import strawberry

from domain.identity import Permission
from resolvers.catalog import use_cases
from schema.catalog.types import Availability, Part, PricingModel, ProductCategory, Service
from schema.context import Info
from schema.paging import Page, page_request
from schema.permissions import requires


@strawberry.type
class CatalogQueries:
    @strawberry.field(
        description="Search parts by SKU, name or description (case-insensitive, partial), "
        "optionally in one category or of one availability; in name order.",
        permission_classes=[requires(Permission.CATALOG_READ)],
    )
    async def search_parts(
        self,
        info: Info,
        query: str | None = None,
        category_id: strawberry.ID | None = None,
        availability: Availability | None = None,
        page_index: int | None = 0,
        page_size: int | None = 20,
    ) -> Page[Part]:
        page = await use_cases.search_parts(
            info.context.uow,
            query,
            category_id,
            availability,
            page_request(page_index, page_size),
        )
        return Page.of(page, Part.from_domain)

    @strawberry.field(
        description="Search labor and services by name or description, optionally of one "
        "category (LABOR, DIAGNOSTIC, ...) or pricing model; in name order.",
        permission_classes=[requires(Permission.CATALOG_READ)],
    )
    async def search_services(
        self,
        info: Info,
        query: str | None = None,
        category: str | None = None,
        pricing_model: PricingModel | None = None,
        page_index: int | None = 0,
        page_size: int | None = 20,
    ) -> Page[Service]:
        page = await use_cases.search_services(
            info.context.uow,
            query,
            category,
            pricing_model,
            page_request(page_index, page_size),
        )
        return Page.of(page, Service.from_domain)

    @strawberry.field(
        description="One part by its productId; PART_NOT_FOUND if this tenant has none.",
        permission_classes=[requires(Permission.CATALOG_READ)],
    )
    async def part(self, info: Info, id: strawberry.ID) -> Part:
        return Part.from_domain(await use_cases.part(info.context.uow, id))

    @strawberry.field(
        description="One service by its serviceId; SERVICE_NOT_FOUND if this tenant has none.",
        permission_classes=[requires(Permission.CATALOG_READ)],
    )
    async def service(self, info: Info, id: strawberry.ID) -> Service:
        return Service.from_domain(await use_cases.service(info.context.uow, id))

    @strawberry.field(
        description="Every product category, in name order, for the category filter.",
        permission_classes=[requires(Permission.CATALOG_READ)],
    )
    async def product_categories(self, info: Info) -> list[ProductCategory]:
        found = await use_cases.product_categories(info.context.uow)
        return [ProductCategory.from_domain(c) for c in found]
