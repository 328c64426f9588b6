"""In-memory categories, parts and services: the fake side of `resolvers/catalog/ports.py`."""

from __future__ import annotations

from dataclasses import replace

from domain.catalog import (
    Availability,
    DuplicateSku,
    Part,
    PricingModel,
    ProductCategory,
    Service,
    normalize_category,
)
from domain.errors import VersionConflict
from domain.paging import PageRequest
from tests.use_cases.fakes.memory import Records, Repository, matching, page_of


class InMemoryCategories(Records[ProductCategory]):
    table = "product_categories"

    async def all(self) -> list[ProductCategory]:
        return sorted(self._work.rows(self.table), key=lambda c: (c.name, c.id))

    async def add(self, category: ProductCategory) -> ProductCategory:
        return self._insert(category.id, category)


class InMemoryParts(Records[Part]):
    """Parts as stored, read with their category's name (the real one joins it)."""

    table = "parts"

    async def get(self, part_id: str) -> Part | None:
        stored = self._work.read(self.table, part_id)
        return None if stored is None else self._with_category(stored)

    def _with_category(self, part: Part) -> Part:
        category = self._work.read("product_categories", part.category_id)
        return replace(part, category_name=category.name if category else None)

    def _all(self) -> list[Part]:
        return [self._with_category(p) for p in self._work.rows(self.table)]

    async def holder_of_sku(self, sku: str) -> str | None:
        return next((p.id for p in self._all() if p.sku == sku), None)

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

    def _sku_must_be_free(self, part: Part) -> None:
        """The unique index on (tenant, SKU)."""
        if any(p.sku == part.sku and p.id != part.id for p in self._all()):
            raise DuplicateSku(f"SKU {part.sku} is already used by another part.", field="sku")

    async def add(self, part: Part) -> Part:
        self._sku_must_be_free(part)
        self._insert(part.id, replace(part, category_name=None))
        return await self._reread(part.id)

    async def update(self, part: Part) -> Part:
        self._sku_must_be_free(part)
        self._update(
            part.id,
            replace(part, category_name=None),
            lambda: VersionConflict(
                f"Part '{part.id}' was changed by someone else (you edited version "
                f"{part.version}); reload it and apply your change again."
            ),
        )
        return await self._reread(part.id)

    async def _reread(self, part_id: str) -> Part:
        saved = await self.get(part_id)
        assert saved is not None
        return saved


class InMemoryServices(Records[Service]):
    table = "services"

    async def get(self, service_id: str) -> Service | None:
        return self._work.read(self.table, service_id)

    def _matching(
        self, query: str | None, category: str | None, pricing_model: PricingModel | None
    ) -> list[Service]:
        everything = self._work.rows(self.table)
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

    async def add(self, service: Service) -> Service:
        return self._insert(service.id, service)

    async def update(self, service: Service) -> Service:
        return self._update(
            service.id,
            service,
            lambda: VersionConflict(
                f"Service '{service.id}' was changed by someone else (you edited version "
                f"{service.version}); reload it and apply your change again."
            ),
        )


class CatalogWork:
    categories = Repository(InMemoryCategories)
    parts = Repository(InMemoryParts)
    services = Repository(InMemoryServices)
