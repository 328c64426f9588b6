"""The parts and services catalog of one tenant.

Searches match the generated `search_text` column (SKU, name, description) through
`contains()`, which the pg_trgm GIN index serves, and page in name order. Parts and
services are aggregates (`AggregateRepository`): a use case edits one it loaded and the
unit of work saves it at commit with a version-checked UPDATE.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, fields
from typing import Any

from asyncpg import Record, UniqueViolationError
from sqlalchemy import Executable, Select, bindparam, insert, select

from domain.catalog import (
    Availability,
    DuplicateSku,
    Part,
    PartNotFound,
    PricingModel,
    ProductCategory,
    Service,
    ServiceNotFound,
)
from domain.errors import DomainError
from domain.paging import PageRequest
from persistence.repositories.aggregates import AggregateRepository
from persistence.repositories.base import (
    TenantRepository,
    contains,
    of_tenant,
    one_of_param,
    take_written,
    versioned_update,
)
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
NOT_WRITTEN = {"created_at", "updated_at", "version", "category_name", "events"}
"""Kept by the database (timestamps, version), read by a join (the category's name), or
by the unit of work (events)."""
PART_WRITTEN = [f.name for f in fields(Part) if f.name not in NOT_WRITTEN | {"id"}]
SERVICE_WRITTEN = [f.name for f in fields(Service) if f.name not in NOT_WRITTEN | {"id"}]
PARTS_WITH_CATEGORY = select(*PART_COLUMNS).select_from(
    parts.outerjoin(
        product_categories,
        (product_categories.c.tenant_id == parts.c.tenant_id)
        & (product_categories.c.id == parts.c.category_id),
    )
)
"""Parts with their category's name, which the part picker shows beside each part."""
PART_BY_ID = PARTS_WITH_CATEGORY.where(of_tenant(parts), parts.c.id == bindparam("id"))
PARTS_BY_IDS = PARTS_WITH_CATEGORY.where(of_tenant(parts), one_of_param(parts.c.id, "ids"))
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
HOLDERS_OF_SKUS = select(parts.c.sku, parts.c.id).where(
    of_tenant(parts), one_of_param(parts.c.sku, "skus")
)
CATEGORY_NAME_OF_PART = (
    select(product_categories.c.name)
    .where(
        product_categories.c.tenant_id == parts.c.tenant_id,
        product_categories.c.id == parts.c.category_id,
    )
    .correlate(parts)
    .scalar_subquery()
    .label("category_name")
)
"""The saved part's category name, so a save answers it without reading the part again
(PostgreSQL would allow it in an INSERT's RETURNING too, but SQLAlchemy correlates it
only in an UPDATE's)."""
CATEGORY_NAME = select(product_categories.c.name).where(
    of_tenant(product_categories), product_categories.c.id == bindparam("id")
)
ADD_PART = insert(parts).returning(parts.c.version, parts.c.created_at, parts.c.updated_at)
SAVE_PART = versioned_update(parts, PART_WRITTEN).returning(
    parts.c.version, parts.c.created_at, parts.c.updated_at, CATEGORY_NAME_OF_PART
)
ADD_SERVICE = insert(services).returning(
    services.c.version, services.c.created_at, services.c.updated_at
)
SAVE_SERVICE = versioned_update(services, SERVICE_WRITTEN).returning(
    services.c.version, services.c.created_at, services.c.updated_at
)


def _category_values(category: ProductCategory) -> dict[str, Any]:
    return {k: v for k, v in asdict(category).items() if k not in NOT_WRITTEN}


class CategoryRepository(TenantRepository):
    table = product_categories
    noun = "Product category"
    id_field = "categoryId"

    async def all(self) -> list[ProductCategory]:
        return [ProductCategory(**row) for row in await self._rows(CATEGORIES)]

    async def add(self, category: ProductCategory) -> ProductCategory:
        row = await self._row(ADD_CATEGORY, **_category_values(category))
        assert row is not None, "an INSERT ... RETURNING gives its row"
        return ProductCategory(**row)


class PartRepository(AggregateRepository[Part]):
    table = parts
    noun = "Part"
    id_field = "productId"

    async def _read(self, part_id: str, lock: bool) -> Part | None:
        row = await self._row(PART_BY_ID, id=part_id)
        return _part(row) if row else None

    def not_found(self, part_id: str) -> DomainError:
        return PartNotFound(f"Part '{part_id}' was not found.", field="productId")

    async def holder_of_sku(self, sku: str) -> str | None:
        return await self._value(HOLDER_OF_SKU, sku=sku)

    async def holders_of_skus(self, skus: Sequence[str]) -> dict[str, str]:
        """The id of the part holding each of `skus` (normalized) that one holds, in one
        statement however many."""
        return {row["sku"]: row["id"] for row in await self._rows(HOLDERS_OF_SKUS, skus=list(skus))}

    async def get_many(self, part_ids: Sequence[str]) -> dict[str, Part]:
        """Parts by id, with their category's name, in one statement (to read only)."""
        return {row["id"]: _part(row) for row in await self._rows(PARTS_BY_IDS, ids=list(part_ids))}

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

    async def add(self, part: Part) -> None:
        row = await self._write(part, ADD_PART, {"id": part.id, **_part_values(part)})
        assert row is not None, "an INSERT ... RETURNING gives its row"
        take_written(part, row)
        if part.category_id is not None:
            part.category_name = await self._value(CATEGORY_NAME, id=part.category_id)
        self.track(part)

    def _stored_form(self, part: Part) -> dict[str, Any]:
        return _part_values(part)

    async def _save(self, part: Part, before: dict[str, Any]) -> None:
        values = {"key_id": part.id, "key_version": part.version, **_part_values(part)}
        row = await self._write(part, SAVE_PART, values)
        if row is None:
            raise self.stale(part.id, part.version)
        take_written(part, row)

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


class ServiceRepository(AggregateRepository[Service]):
    table = services
    noun = "Service"
    id_field = "serviceId"

    async def _read(self, service_id: str, lock: bool) -> Service | None:
        row = await self._row(SERVICE_BY_ID, id=service_id)
        return _service(row) if row else None

    def not_found(self, service_id: str) -> DomainError:
        return ServiceNotFound(f"Service '{service_id}' was not found.", field="serviceId")

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

    async def add(self, service: Service) -> None:
        row = await self._row(ADD_SERVICE, id=service.id, **_service_values(service))
        assert row is not None, "an INSERT ... RETURNING gives its row"
        take_written(service, row)
        self.track(service)

    def _stored_form(self, service: Service) -> dict[str, Any]:
        return _service_values(service)

    async def _save(self, service: Service, before: dict[str, Any]) -> None:
        row = await self._row(
            SAVE_SERVICE, key_id=service.id, key_version=service.version, **_service_values(service)
        )
        if row is None:
            raise self.stale(service.id, service.version)
        take_written(service, row)


def _part_values(part: Part) -> dict[str, Any]:
    """What a part's row holds besides its id and what the database keeps."""
    values = {name: getattr(part, name) for name in PART_WRITTEN}
    return {**values, "availability": part.availability.value}


def _service_values(service: Service) -> dict[str, Any]:
    values = {name: getattr(service, name) for name in SERVICE_WRITTEN}
    return {**values, "pricing_model": service.pricing_model.value}


def _part(row: Mapping[str, Any]) -> Part:
    return Part(**row)


def _service(row: Mapping[str, Any]) -> Service:
    return Service(**row)
