"""In-memory categories, parts and services: the fake side of `resolvers/catalog/ports.py`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.catalog import (
    Availability,
    DuplicateSku,
    Part,
    PartNotFound,
    PricingModel,
    ProductCategory,
    Service,
    ServiceNotFound,
    normalize_category,
)
from domain.errors import DomainError
from domain.paging import PageRequest
from tests.use_cases.fakes.memory import Aggregates, Records, Repository, matching, page_of


class InMemoryCategories(Records[ProductCategory]):
    table = "product_categories"

    async def all(self) -> list[ProductCategory]:
        return sorted(self._work.rows(self.table), key=lambda c: (c.name, c.id))

    async def add(self, category: ProductCategory) -> ProductCategory:
        return self._insert(category.id, category)


class InMemoryParts(Aggregates[Part]):
    """Parts as stored, read with their category's name (the real one joins it)."""

    table = "parts"
    noun = "Part"
    kind = Part

    async def get(self, part_id: str, *, lock: bool = False) -> Part | None:
        row = self._work.read(self.table, part_id)
        return None if row is None else self.track(self._with_category(row))

    def not_found(self, aggregate_id: str) -> DomainError:
        return PartNotFound(f"Part '{aggregate_id}' was not found.", field="productId")

    def _with_category(self, row: dict[str, Any]) -> Part:
        return Part(**row, category_name=self._category_name(row["category_id"]))

    def _category_name(self, category_id: str | None) -> str | None:
        category = self._work.read("product_categories", category_id)
        return category.name if category else None

    def _all(self) -> list[Part]:
        return [self._with_category(row) for row in self._work.rows(self.table)]

    async def holder_of_sku(self, sku: str) -> str | None:
        return next((p.id for p in self._all() if p.sku == sku), None)

    async def holders_of_skus(self, skus: Sequence[str]) -> dict[str, str]:
        wanted = set(skus)
        return {p.sku: p.id for p in self._all() if p.sku in wanted}

    async def get_many(self, part_ids: Sequence[str]) -> dict[str, Part]:
        return {p.id: p for p in self._all() if p.id in part_ids}

    def _matching(
        self, query: str | None, category_id: str | None, availability: Availability | None
    ) -> list[Part]:
        found = matching(self._all(), query, lambda p: (p.sku, p.name, p.description))
        return [
            p
            for p in found
            if (not category_id or p.category_id == category_id)
            and (not availability or p.availability == availability)
        ]

    async def search(
        self,
        query: str | None,
        category_id: str | None,
        availability: Availability | None,
        request: PageRequest,
    ) -> list[Part]:
        found = self._matching(query, category_id, availability)
        return page_of(sorted(found, key=lambda p: (p.name, p.id)), request)

    async def count(
        self, query: str | None, category_id: str | None, availability: Availability | None
    ) -> int:
        return len(self._matching(query, category_id, availability))

    def _check_unique(self, part: Part) -> None:
        """The unique index on (tenant, SKU)."""
        if any(p.sku == part.sku and p.id != part.id for p in self._all()):
            raise DuplicateSku(f"SKU {part.sku} is already used by another part.", field="sku")

    def _write(self, part: Part, *, version: int, created_at: Any) -> None:
        """Also answer the category's name, as the real write's RETURNING does."""
        super()._write(part, version=version, created_at=created_at)
        part.category_name = self._category_name(part.category_id)

    @staticmethod
    def _stored_form(part: Part) -> dict[str, Any]:
        stored = Aggregates._stored_form(part)
        del stored["category_name"]
        return stored


class InMemoryServices(Aggregates[Service]):
    table = "services"
    noun = "Service"
    kind = Service

    def not_found(self, aggregate_id: str) -> DomainError:
        return ServiceNotFound(f"Service '{aggregate_id}' was not found.", field="serviceId")

    def _matching(
        self, query: str | None, category: str | None, pricing_model: PricingModel | None
    ) -> list[Service]:
        everything = [Service(**row) for row in self._work.rows(self.table)]
        found = matching(everything, query, lambda s: (s.name, s.description))
        wanted = normalize_category(category)
        return [
            s
            for s in found
            if (not wanted or s.category == wanted)
            and (not pricing_model or s.pricing_model == pricing_model)
        ]

    async def search(
        self,
        query: str | None,
        category: str | None,
        pricing_model: PricingModel | None,
        request: PageRequest,
    ) -> list[Service]:
        found = self._matching(query, category, pricing_model)
        return page_of(sorted(found, key=lambda s: (s.name, s.id)), request)

    async def count(
        self, query: str | None, category: str | None, pricing_model: PricingModel | None
    ) -> int:
        return len(self._matching(query, category, pricing_model))


class CatalogWork:
    categories = Repository(InMemoryCategories)
    parts = Repository(InMemoryParts)
    services = Repository(InMemoryServices)
