"""Catalog use cases: search the parts and services pickers, look one up, maintain them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from domain.catalog import (
    Availability,
    CatalogServiceUnavailable,
    CategoryNotFound,
    DuplicateSku,
    Part,
    PricingModel,
    ProductCategory,
    Service,
)
from domain.errors import ServiceUnavailable
from domain.paging import Page, PageRequest
from resolvers.changes import changing, existing
from resolvers.identifiers import id_for_new
from resolvers.paging import paged
from resolvers.ports import UnitOfWork, UnitOfWorkFactory

P = ParamSpec("P")
T = TypeVar("T")


def catalog_read(read: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """A read of the catalog whose outage is told as seed 001's CATALOG_SERVICE_UNAVAILABLE."""

    @wraps(read)
    async def reading(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return await read(*args, **kwargs)
        except ServiceUnavailable as outage:
            raise CatalogServiceUnavailable() from outage

    return reading


@catalog_read
async def search_parts(
    uow: UnitOfWorkFactory,
    query: str | None,
    category_id: str | None,
    availability: Availability | None,
    request: PageRequest,
) -> Page[Part]:
    return await paged(
        uow,
        request,
        rows=lambda work: work.parts.search(query, category_id, availability, request),
        total=lambda work: work.parts.count(query, category_id, availability),
    )


@catalog_read
async def search_services(
    uow: UnitOfWorkFactory,
    query: str | None,
    category: str | None,
    pricing_model: PricingModel | None,
    request: PageRequest,
) -> Page[Service]:
    return await paged(
        uow,
        request,
        rows=lambda work: work.services.search(query, category, pricing_model, request),
        total=lambda work: work.services.count(query, category, pricing_model),
    )


@catalog_read
async def part(uow: UnitOfWorkFactory, part_id: str) -> Part:
    async with uow() as work:
        return await existing(work.parts, part_id)


@catalog_read
async def parts_by_id(uow: UnitOfWorkFactory, part_ids: Sequence[str]) -> list[Part | None]:
    """Batch for the `part` of stock levels, movements and reservations: one statement."""
    async with uow() as work:
        found = await work.parts.get_many(part_ids)
    return [found.get(i) for i in part_ids]


@catalog_read
async def service(uow: UnitOfWorkFactory, service_id: str) -> Service:
    async with uow() as work:
        return await existing(work.services, service_id)


@catalog_read
async def product_categories(uow: UnitOfWorkFactory) -> list[ProductCategory]:
    async with uow() as work:
        return await work.categories.all()


async def create_product_category(
    uow: UnitOfWorkFactory, fields: Mapping[str, Any]
) -> ProductCategory:
    async with uow() as work:
        category_id = await id_for_new(
            work, fields.get("id"), "CAT", work.categories.exists, "Product category", "categoryId"
        )
        draft = ProductCategory(**{**fields, "id": category_id})
        created = await work.categories.add(draft)
        await work.commit()
        return created


async def create_part(uow: UnitOfWorkFactory, fields: Mapping[str, Any]) -> Part:
    async with uow() as work:
        part_id = await id_for_new(
            work, fields.get("id"), "PART", work.parts.exists, "Part", "productId"
        )
        created = Part(**{**fields, "id": part_id})
        await _category_must_exist(work, created.category_id)
        await _sku_must_be_free(work, created)
        await work.parts.add(created)
        await work.commit()
        return created


async def update_part(
    uow: UnitOfWorkFactory, part_id: str, version: int, changes: Mapping[str, Any]
) -> Part:
    async with uow() as work:
        async with changing(work.parts, part_id, version) as edited:
            category, sku = edited.category_id, edited.sku
            edited.edit(**changes)
            if edited.category_id != category:
                await _category_must_exist(work, edited.category_id)
            if edited.sku != sku:
                await _sku_must_be_free(work, edited)
        await work.commit()
        return edited


async def create_service(uow: UnitOfWorkFactory, fields: Mapping[str, Any]) -> Service:
    async with uow() as work:
        service_id = await id_for_new(
            work, fields.get("id"), "SVC", work.services.exists, "Service", "serviceId"
        )
        created = Service(**{**fields, "id": service_id})
        await work.services.add(created)
        await work.commit()
        return created


async def update_service(
    uow: UnitOfWorkFactory, service_id: str, version: int, changes: Mapping[str, Any]
) -> Service:
    async with uow() as work:
        async with changing(work.services, service_id, version) as edited:
            edited.edit(**changes)
        await work.commit()
        return edited


async def _category_must_exist(work: UnitOfWork, category_id: str | None) -> None:
    if category_id is not None and not await work.categories.exists(category_id):
        raise CategoryNotFound(
            f"Product category '{category_id}' was not found; create it first or pick an "
            "existing one.",
            field="categoryId",
        )


async def _sku_must_be_free(work: UnitOfWork, draft: Part) -> None:
    holder = await work.parts.holder_of_sku(draft.sku)
    if holder is not None and holder != draft.id:
        raise DuplicateSku(
            f"SKU {draft.sku} is already used by part {holder}; each SKU names one part.",
            field="sku",
        )
