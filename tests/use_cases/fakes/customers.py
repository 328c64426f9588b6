"""In-memory customers and vehicles: the fake side of `resolvers/customers/ports.py`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from domain.customers import Customer, CustomerNotFound, DuplicateVin, Vehicle, VehicleNotFound
from domain.errors import DomainError
from domain.paging import PageRequest
from tests.use_cases.fakes.memory import Aggregates, Repository, matching, page_of


class InMemoryCustomers(Aggregates[Customer]):
    table = "customers"
    noun = "Customer"
    kind = Customer

    def not_found(self, aggregate_id: str) -> DomainError:
        return CustomerNotFound(f"Customer '{aggregate_id}' was not found.", field="customerId")

    async def get_many(self, customer_ids: Sequence[str]) -> dict[str, Customer]:
        found = [await self.get(i) for i in customer_ids]
        return {c.id: c for c in found if c is not None}

    def _matching(self, query: str | None) -> list[Customer]:
        everyone = [Customer(**row) for row in self._work.rows(self.table)]
        return matching(everyone, query, lambda c: (c.name, c.email, c.phone))

    async def search(self, query: str | None, request: PageRequest) -> list[Customer]:
        found = sorted(self._matching(query), key=lambda c: (c.name, c.id))
        return page_of(found, request)

    async def count(self, query: str | None) -> int:
        return len(self._matching(query))


class InMemoryVehicles(Aggregates[Vehicle]):
    table = "vehicles"
    noun = "Vehicle"
    kind = Vehicle

    def not_found(self, aggregate_id: str) -> DomainError:
        return VehicleNotFound(f"Vehicle '{aggregate_id}' was not found.", field="vehicleId")

    async def get_many(self, vehicle_ids: Sequence[str]) -> dict[str, Vehicle]:
        found = [await self.get(i) for i in vehicle_ids]
        return {v.id: v for v in found if v is not None}

    def _all(self) -> list[Vehicle]:
        return sorted((Vehicle(**row) for row in self._work.rows(self.table)), key=lambda v: v.id)

    async def owned_by(self, customer_ids: Iterable[str]) -> dict[str, list[Vehicle]]:
        owned: dict[str, list[Vehicle]] = {key: [] for key in customer_ids}
        for vehicle in self._all():
            if vehicle.customer_id in owned:
                owned[vehicle.customer_id].append(vehicle)
        return owned

    def _matching(self, query: str | None, customer_id: str | None) -> list[Vehicle]:
        found = matching(self._all(), query, lambda v: (v.vin, v.unit_number, v.license_plate))
        return [v for v in found if not customer_id or v.customer_id == customer_id]

    async def search(
        self, query: str | None, customer_id: str | None, request: PageRequest
    ) -> list[Vehicle]:
        return page_of(self._matching(query, customer_id), request)

    async def count(self, query: str | None, customer_id: str | None) -> int:
        return len(self._matching(query, customer_id))

    async def holder_of_vin(self, vin: str) -> str | None:
        return next((v.id for v in self._all() if v.vin == vin), None)

    def _check_unique(self, vehicle: Vehicle) -> None:
        """The unique index on (tenant, VIN)."""
        if any(v.vin == vehicle.vin and v.id != vehicle.id for v in self._all()):
            raise DuplicateVin(
                f"VIN {vehicle.vin} is already registered to another vehicle.", field="vin"
            )


class CustomersWork:
    customers = Repository(InMemoryCustomers)
    vehicles = Repository(InMemoryVehicles)
