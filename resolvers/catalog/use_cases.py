"""Catalog use cases: search the parts and services pickers, look one up, maintain them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.catalog import (
    Availability,
    CategoryNotFound,
    DuplicateSku,
    Part,
    PartNotFound,
    PricingModel,
    ProductCategory,
    Service,
    ServiceNotFound,
)
from domain.paging import Page, PageRequest
from resolvers.identifiers import id_for_new
from resolvers.paging import paged
from resolvers.ports import UnitOfWork, UnitOfWorkFactory


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


async def part(uow: UnitOfWorkFactory, part_id: str) -> Part:
    async with uow() as work:
        return await _existing_part(work, part_id)


async def service(uow: UnitOfWorkFactory, service_id: str) -> Service:
    async with uow() as work:
        return await _existing_service(work, service_id)


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
        draft = Part(**{**fields, "id": part_id})
        await _category_must_exist(work, draft.category_id)
        await _sku_must_be_free(work, draft)
        created = await work.parts.add(draft)
        await work.commit()
        return created


async def update_part(
    uow: UnitOfWorkFactory, part_id: str, version: int | None, changes: Mapping[str, Any]
) -> Part:
    async with uow() as work:
        current = await _existing_part(work, part_id)
        edited = current.with_changes(**changes, version=version or current.version)
        if edited.category_id != current.category_id:
            await _category_must_exist(work, edited.category_id)
        if edited.sku != current.sku:
            await _sku_must_be_free(work, edited)
        saved = await work.parts.update(edited)
        await work.commit()
        return saved


async def create_service(uow: UnitOfWorkFactory, fields: Mapping[str, Any]) -> Service:
    async with uow() as work:
        service_id = await id_for_new(
            work, fields.get("id"), "SVC", work.services.exists, "Service", "serviceId"
        )
        draft = Service(**{**fields, "id": service_id})
        created = await work.services.add(draft)
        await work.commit()
        return created


async def update_service(
    uow: UnitOfWorkFactory, service_id: str, version: int | None, changes: Mapping[str, Any]
) -> Service:
    async with uow() as work:
        current = await _existing_service(work, service_id)
        edited = current.with_changes(**changes, version=version or current.version)
        saved = await work.services.update(edited)
        await work.commit()
        return saved


async def _existing_part(work: UnitOfWork, part_id: str) -> Part:
    found = await work.parts.get(part_id)
    if found is None:
        raise PartNotFound(f"Part '{part_id}' was not found.", field="productId")
    return found


async def _existing_service(work: UnitOfWork, service_id: str) -> Service:
    found = await work.services.get(service_id)
    if found is None:
        raise ServiceNotFound(f"Service '{service_id}' was not found.", field="serviceId")
    return found


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
