"""What the catalog use cases ask of their repositories: the port's catalog side.

Parts and services are aggregates, changed the one way (`resolvers/changes.py`); they
record no events, as the seeds publish none for the catalog. Categories are only ever
created, so they stay records written once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from domain.catalog import Availability, Part, PricingModel, ProductCategory, Service
from domain.paging import PageRequest
from resolvers.changes import Changeable


class CategoryStore(Protocol):
    async def exists(self, record_id: str) -> bool: ...

    async def all(self) -> list[ProductCategory]:
        """Every category, in name order."""
        ...

    async def add(self, category: ProductCategory) -> ProductCategory: ...


class PartStore(Changeable[Part], Protocol):
    """Parts, read with their category's name."""

    async def exists(self, record_id: str) -> bool: ...

    async def holder_of_sku(self, sku: str) -> str | None:
        """The id of this tenant's part with `sku`, if any."""
        ...

    async def holders_of_skus(self, skus: Sequence[str]) -> dict[str, str]:
        """The id of this tenant's part holding each of `skus` that one holds."""
        ...

    async def get_many(self, part_ids: Sequence[str]) -> dict[str, Part]:
        """Parts by id (to read only)."""
        ...

    async def search(
        self,
        query: str | None,
        category_id: str | None,
        availability: Availability | None,
        request: PageRequest,
    ) -> list[Part]:
        """One page in name order, and one part more if another page follows."""
        ...

    async def count(
        self, query: str | None, category_id: str | None, availability: Availability | None
    ) -> int: ...

    async def add(self, part: Part) -> None:
        """Store a new part and track it; a SKU taken meanwhile is DUPLICATE_SKU."""
        ...


class ServiceStore(Changeable[Service], Protocol):
    async def exists(self, record_id: str) -> bool: ...

    async def search(
        self,
        query: str | None,
        category: str | None,
        pricing_model: PricingModel | None,
        request: PageRequest,
    ) -> list[Service]:
        """One page in name order, and one service more if another page follows."""
        ...

    async def count(
        self, query: str | None, category: str | None, pricing_model: PricingModel | None
    ) -> int: ...

    async def add(self, service: Service) -> None:
        """Store a new service and track it."""
        ...


class CatalogWork(Protocol):
    @property
    def categories(self) -> CategoryStore: ...

    @property
    def parts(self) -> PartStore: ...

    @property
    def services(self) -> ServiceStore: ...
