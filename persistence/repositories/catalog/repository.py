"""The parts and services catalog of one tenant.

Searches match the generated `search_text` column (SKU, name, description) through
`contains()`, which the pg_trgm GIN index serves, and page in name order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from asyncpg import Record, UniqueViolationError
from sqlalchemy import Executable, Select, bindparam, func, insert, select, update

from domain.catalog import (
    Availability,
    DuplicateSku,
    Part,
    PricingModel,
    ProductCategory,
    Service,
)
from domain.errors import VersionConflict
from domain.paging import PageRequest
from persistence.repositories.base import TenantRepository, contains, of_tenant
from persistence.tables import parts, product_categories, services

CATEGORY_COLUMNS = [
    product_categories.c.id,
    product_categories.c.name,
    product_categories.c.version,
    product_categories.c.created_at,
    product_categories.c.updated_at,
]
PART_COLUMNS = [
    parts.c.id,
    parts.c.sku,
    parts.c.name,
    parts.c.description,
    parts.c.unit_price,
    parts.c.currency_uom_id,
    parts.c.tax_code,
    parts.c.availability,
    parts.c.category_id,
    product_categories.c.name.label("category_name"),
    parts.c.version,
    parts.c.created_at,
    parts.c.updated_at,
]
SERVICE_COLUMNS = [
    services.c.id,
    services.c.name,
    services.c.description,
    services.c.pricing_model,
    services.c.labor_units,
    services.c.unit_rate,
    services.c.currency_uom_id,
    services.c.tax_code,
    services.c.category,
    services.c.version,
    services.c.created_at,
    services.c.updated_at,
]
NOT_WRITTEN = {"created_at", "updated_at", "version", "category_name"}
PARTS_WITH_CATEGORY = select(*PART_COLUMNS).select_from(
    parts.outerjoin(
        product_categories,
        (product_categories.c.tenant_id == parts.c.tenant_id)
        & (product_categories.c.id == parts.c.category_id),
    )
)
"""Parts with their category's name, which the part picker shows beside each part."""
PART_BY_ID = PARTS_WITH_CATEGORY.where(of_tenant(parts), parts.c.id == bindparam("id"))
SERVICE_BY_ID = select(*SERVICE_COLUMNS).where(
    of_tenant(services), services.c.id == bindparam("id")
)
CATEGORIES = (
    select(*CATEGORY_COLUMNS)
    .where(of_tenant(product_categories))
    .order_by(product_categories.c.name, product_categories.c.id)
)
ADD_CATEGORY = insert(product_categories).returning(*CATEGORY_COLUMNS)
HOLDER_OF_SKU = select(parts.c.id).where(of_tenant(parts), parts.c.sku == bindparam("sku"))
ADD_PART = insert(parts).returning(parts.c.id)
ADD_SERVICE = insert(services).returning(*SERVICE_COLUMNS)


def _row_values(entity: ProductCategory | Part | Service) -> dict[str, Any]:
    return {k: v for k, v in asdict(entity).items() if k not in NOT_WRITTEN}


class CategoryRepository(TenantRepository):
    table = product_categories

    async def all(self) -> list[ProductCategory]:
        return [ProductCategory(**row) for row in await self._rows(CATEGORIES)]

    async def add(self, category: ProductCategory) -> ProductCategory:
        row = await self._row(ADD_CATEGORY, **_row_values(category))
        assert row is not None, "an INSERT ... RETURNING gives its row"
        return ProductCategory(**row)


class PartRepository(TenantRepository):
    table = parts

    async def get(self, part_id: str) -> Part | None:
        row = await self._row(PART_BY_ID, id=part_id)
        return _part(row) if row else None

    async def holder_of_sku(self, sku: str) -> str | None:
        return await self._value(HOLDER_OF_SKU, sku=sku)

    def _matching(
        self, query: str | None, category_id: str | None, availability: Availability | None
    ) -> Select:
        statement = PARTS_WITH_CATEGORY.where(of_tenant(parts))
        if query and query.strip():
            statement = statement.where(contains(parts.c.search_text, query.strip()))
        if category_id:
            statement = statement.where(parts.c.category_id == category_id)
        if availability:
            statement = statement.where(parts.c.availability == availability.value)
        return statement

    async def search(
        self,
        query: str | None,
        category_id: str | None,
        availability: Availability | None,
        request: PageRequest,
    ) -> list[Part]:
        statement = self._matching(query, category_id, availability).order_by(
            parts.c.name, parts.c.id
        )
        return [_part(row) for row in await self._page_rows(statement, request)]

    async def count(
        self, query: str | None, category_id: str | None, availability: Availability | None
    ) -> int:
        return await self._count(self._matching(query, category_id, availability))

    async def add(self, part: Part) -> Part:
        await self._write(part, ADD_PART, _part_values(part))
        return await self._reread(part.id)

    async def update(self, part: Part) -> Part:
        """Write an edited part if nobody changed it since `part.version` was read."""
        statement = (
            update(parts)
            .where(of_tenant(parts), parts.c.id == part.id, parts.c.version == part.version)
            .values(**_part_values(part), version=parts.c.version + 1, updated_at=func.now())
            .returning(parts.c.id)
        )
        if await self._write(part, statement, {}) is None:
            raise VersionConflict(
                f"Part '{part.id}' was changed by someone else (you edited version "
                f"{part.version}); reload it and apply your change again."
            )
        return await self._reread(part.id)

    async def _write(
        self, part: Part, statement: Executable, values: dict[str, Any]
    ) -> Record | None:
        """Run an insert/update; a SKU taken meanwhile by a concurrent write is DUPLICATE_SKU.

        The savepoint leaves the transaction usable after DUPLICATE_SKU, for a caller
        that catches it and reads on (tests/integration/test_catalog_repository.py does).
        """
        try:
            async with self._statements.savepoint():
                return await self._row(statement, **values)
        except UniqueViolationError as error:
            if error.constraint_name == "uq_parts_tenant_sku":
                raise DuplicateSku(
                    f"SKU {part.sku} is already used by another part.", field="sku"
                ) from error
            raise

    async def _reread(self, part_id: str) -> Part:
        saved = await self.get(part_id)
        assert saved is not None, "a part written in this transaction is readable in it"
        return saved


class ServiceRepository(TenantRepository):
    table = services

    async def get(self, service_id: str) -> Service | None:
        row = await self._row(SERVICE_BY_ID, id=service_id)
        return _service(row) if row else None

    def _matching(
        self, query: str | None, category: str | None, pricing_model: PricingModel | None
    ) -> Select:
        statement = select(*SERVICE_COLUMNS).where(of_tenant(services))
        if query and query.strip():
            statement = statement.where(contains(services.c.search_text, query.strip()))
        if category and category.strip():
            statement = statement.where(services.c.category == category.strip().upper())
        if pricing_model:
            statement = statement.where(services.c.pricing_model == pricing_model.value)
        return statement

    async def search(
        self,
        query: str | None,
        category: str | None,
        pricing_model: PricingModel | None,
        request: PageRequest,
    ) -> list[Service]:
        statement = self._matching(query, category, pricing_model).order_by(
            services.c.name, services.c.id
        )
        return [_service(row) for row in await self._page_rows(statement, request)]

    async def count(
        self, query: str | None, category: str | None, pricing_model: PricingModel | None
    ) -> int:
        return await self._count(self._matching(query, category, pricing_model))

    async def add(self, service: Service) -> Service:
        row = await self._row(ADD_SERVICE, **_service_values(service))
        assert row is not None, "an INSERT ... RETURNING gives its row"
        return _service(row)

    async def update(self, service: Service) -> Service:
        statement = (
            update(services)
            .where(
                of_tenant(services),
                services.c.id == service.id,
                services.c.version == service.version,
            )
            .values(
                **_service_values(service), version=services.c.version + 1, updated_at=func.now()
            )
            .returning(*SERVICE_COLUMNS)
        )
        row = await self._row(statement)
        if row is None:
            raise VersionConflict(
                f"Service '{service.id}' was changed by someone else (you edited version "
                f"{service.version}); reload it and apply your change again."
            )
        return _service(row)


def _part_values(part: Part) -> dict[str, Any]:
    return {**_row_values(part), "availability": part.availability.value}


def _service_values(service: Service) -> dict[str, Any]:
    return {**_row_values(service), "pricing_model": service.pricing_model.value}


def _part(row: Mapping[str, Any]) -> Part:
    return Part(**row)


def _service(row: Mapping[str, Any]) -> Service:
    return Service(**row)
