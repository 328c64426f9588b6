"""What the catalog use cases ask of their repositories: the port's catalog side.

Parts, services and categories are records rather than aggregates (they record no
events yet): a use case writes an edited one with `update`, which checks its version.
"""

from __future__ import annotations

from typing import Protocol

from domain.catalog import Availability, Part, PricingModel, ProductCategory, Service
from domain.paging import PageRequest


class CategoryStore(Protocol):
    async def exists(self, record_id: str) -> bool: ...

    async def all(self) -> list[ProductCategory]:
        """Every category, in name order."""
        ...

    async def add(self, category: ProductCategory) -> ProductCategory: ...


class PartStore(Protocol):
    async def exists(self, record_id: str) -> bool: ...

    async def get(self, part_id: str) -> Part | None:
        """The part with its category's name."""
        ...

    async def holder_of_sku(self, sku: str) -> str | None:
        """The id of this tenant's part with `sku`, if any."""
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

    async def add(self, part: Part) -> Part:
        """The part as stored; a SKU taken meanwhile is DUPLICATE_SKU."""
        ...

    async def update(self, part: Part) -> Part:
        """The edited part as stored, if nobody changed it since `part.version` (else
        VERSION_CONFLICT)."""
        ...


class ServiceStore(Protocol):
    async def exists(self, record_id: str) -> bool: ...

    async def get(self, service_id: str) -> Service | None: ...

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

    async def add(self, service: Service) -> Service: ...

    async def update(self, service: Service) -> Service:
        """The edited service as stored, if still at `service.version` (else
        VERSION_CONFLICT)."""
        ...


class CatalogWork(Protocol):
    @property
    def categories(self) -> CategoryStore: ...

    @property
    def parts(self) -> PartStore: ...

    @property
    def services(self) -> ServiceStore: ...
