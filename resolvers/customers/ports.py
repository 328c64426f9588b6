"""What the customer use cases ask of their repositories: the port's customers side."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from domain.customers import Customer, Vehicle
from domain.paging import PageRequest
from resolvers.changes import Changeable


class CustomerStore(Changeable[Customer], Protocol):
    async def exists(self, record_id: str) -> bool: ...

    async def get_many(self, customer_ids: Sequence[str]) -> dict[str, Customer]: ...

    async def search(self, query: str | None, request: PageRequest) -> list[Customer]:
        """One page in name order, and one customer more if another page follows."""
        ...

    async def count(self, query: str | None) -> int: ...

    async def add(self, customer: Customer) -> None:
        """Store a new customer and track it: what it recorded reaches the outbox on commit."""
        ...


class VehicleStore(Changeable[Vehicle], Protocol):
    async def exists(self, record_id: str) -> bool: ...

    async def get_many(self, vehicle_ids: Sequence[str]) -> dict[str, Vehicle]: ...

    async def owned_by(self, customer_ids: Iterable[str]) -> dict[str, list[Vehicle]]: ...

    async def search(
        self, query: str | None, customer_id: str | None, request: PageRequest
    ) -> list[Vehicle]:
        """One page in id order, and one vehicle more if another page follows."""
        ...

    async def count(self, query: str | None, customer_id: str | None) -> int: ...

    async def holder_of_vin(self, vin: str) -> str | None:
        """The id of this tenant's vehicle with `vin`, if any."""
        ...

    async def add(self, vehicle: Vehicle) -> None:
        """Store a new vehicle and track it; a VIN taken meanwhile is DUPLICATE_VIN."""
        ...


class CustomersWork(Protocol):
    @property
    def customers(self) -> CustomerStore: ...

    @property
    def vehicles(self) -> VehicleStore: ...
