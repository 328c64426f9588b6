"""Customers and vehicles of one tenant."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from typing import Any

from asyncpg import UniqueViolationError
from sqlalchemy import Select, bindparam, insert, select

from domain.customers import Customer, CustomerNotFound, DuplicateVin, Vehicle, VehicleNotFound
from domain.errors import DomainError
from domain.paging import PageRequest
from persistence.repositories.aggregates import AggregateRepository
from persistence.repositories.base import (
    contains,
    of_tenant,
    one_of_param,
    take_written,
    versioned_update,
)
from persistence.tables import customers, vehicles

CUSTOMER_COLUMNS = [
    customers.c.id,
    customers.c.name,
    customers.c.email,
    customers.c.phone,
    customers.c.party_id,
    customers.c.billing_terms_id,
    customers.c.tier,
    customers.c.credit_limit,
    customers.c.version,
    customers.c.created_at,
    customers.c.updated_at,
]
VEHICLE_COLUMNS = [
    vehicles.c.id,
    vehicles.c.customer_id,
    vehicles.c.vin,
    vehicles.c.unit_number,
    vehicles.c.description,
    vehicles.c.license_plate,
    vehicles.c.version,
    vehicles.c.created_at,
    vehicles.c.updated_at,
]
WRITABLE = {"created_at", "updated_at", "version", "events"}
"""Kept by the database (timestamps, version) or by the unit of work (events)."""
CUSTOMER_BY_ID = select(*CUSTOMER_COLUMNS).where(
    of_tenant(customers), customers.c.id == bindparam("id")
)
VEHICLE_BY_ID = select(*VEHICLE_COLUMNS).where(
    of_tenant(vehicles), vehicles.c.id == bindparam("id")
)
CUSTOMERS_BY_ID = select(*CUSTOMER_COLUMNS).where(
    of_tenant(customers), one_of_param(customers.c.id, "ids")
)
VEHICLES_BY_ID = select(*VEHICLE_COLUMNS).where(
    of_tenant(vehicles), one_of_param(vehicles.c.id, "ids")
)
VEHICLES_OF_CUSTOMERS = (
    select(*VEHICLE_COLUMNS)
    .where(of_tenant(vehicles), one_of_param(vehicles.c.customer_id, "customer_ids"))
    .order_by(vehicles.c.customer_id, vehicles.c.id)
)
HOLDER_OF_VIN = select(vehicles.c.id).where(of_tenant(vehicles), vehicles.c.vin == bindparam("vin"))
ADD_CUSTOMER = insert(customers).returning(*CUSTOMER_COLUMNS)
ADD_VEHICLE = insert(vehicles).returning(*VEHICLE_COLUMNS)
SAVE_CUSTOMER = versioned_update(
    customers, [c.name for c in CUSTOMER_COLUMNS if c.name not in {"id", *WRITABLE}]
).returning(*CUSTOMER_COLUMNS)
SAVE_VEHICLE = versioned_update(
    vehicles, [c.name for c in VEHICLE_COLUMNS if c.name not in {"id", *WRITABLE}]
).returning(*VEHICLE_COLUMNS)


def _row_values(entity: Customer | Vehicle) -> dict[str, Any]:
    return {f.name: getattr(entity, f.name) for f in fields(entity) if f.name not in WRITABLE}


def _saved_values(entity: Customer | Vehicle) -> dict[str, Any]:
    """The bind parameters of SAVE_CUSTOMER / SAVE_VEHICLE: the row's values, keyed by
    the id and the version read."""
    values = _row_values(entity)
    return {**values, "key_id": values.pop("id"), "key_version": entity.version}


def _customer(row: Mapping[str, Any]) -> Customer:
    return Customer(**row)


def _vehicle(row: Mapping[str, Any]) -> Vehicle:
    return Vehicle(**row)


class CustomerRepository(AggregateRepository[Customer]):
    table = customers
    noun = "Customer"
    id_field = "customerId"

    async def _read(self, customer_id: str, lock: bool) -> Customer | None:
        row = await self._row(CUSTOMER_BY_ID, id=customer_id)
        return _customer(row) if row else None

    def not_found(self, customer_id: str) -> DomainError:
        return CustomerNotFound(f"Customer '{customer_id}' was not found.", field="customerId")

    async def get_many(self, customer_ids: Sequence[str]) -> dict[str, Customer]:
        rows = await self._rows(CUSTOMERS_BY_ID, ids=list(customer_ids))
        return {row["id"]: _customer(row) for row in rows}

    def _matching(self, query: str | None) -> Select:
        statement = select(*CUSTOMER_COLUMNS).where(of_tenant(customers))
        if query and query.strip():
            statement = statement.where(contains(customers.c.search_text, query.strip()))
        return statement

    async def search(self, query: str | None, request: PageRequest) -> list[Customer]:
        statement = self._matching(query).order_by(customers.c.name, customers.c.id)
        return [_customer(row) for row in await self._page_rows(statement, request)]

    async def count(self, query: str | None) -> int:
        return await self._count(self._matching(query))

    async def add(self, customer: Customer) -> None:
        row = await self._row(ADD_CUSTOMER, **_row_values(customer))
        assert row is not None, "an INSERT ... RETURNING gives its row"
        take_written(customer, row)
        self.track(customer)

    def _stored_form(self, customer: Customer) -> dict[str, Any]:
        return _row_values(customer)

    async def _save(self, customer: Customer, before: dict[str, Any]) -> None:
        row = await self._row(SAVE_CUSTOMER, **_saved_values(customer))
        if row is None:
            raise self.stale(customer.id, customer.version)
        take_written(customer, row)


class VehicleRepository(AggregateRepository[Vehicle]):
    table = vehicles
    noun = "Vehicle"
    id_field = "vehicleId"

    async def _read(self, vehicle_id: str, lock: bool) -> Vehicle | None:
        row = await self._row(VEHICLE_BY_ID, id=vehicle_id)
        return _vehicle(row) if row else None

    def not_found(self, vehicle_id: str) -> DomainError:
        return VehicleNotFound(f"Vehicle '{vehicle_id}' was not found.", field="vehicleId")

    async def owned_by(self, customer_ids: Iterable[str]) -> dict[str, list[Vehicle]]:
        """Every vehicle of each customer, in one statement however many customers."""
        keys = list(customer_ids)
        owned: dict[str, list[Vehicle]] = {key: [] for key in keys}
        for row in await self._rows(VEHICLES_OF_CUSTOMERS, customer_ids=keys):
            owned[row["customer_id"]].append(_vehicle(row))
        return owned

    def _matching(self, query: str | None, customer_id: str | None) -> Select:
        statement = select(*VEHICLE_COLUMNS).where(of_tenant(vehicles))
        if query and query.strip():
            statement = statement.where(contains(vehicles.c.search_text, query.strip()))
        if customer_id:
            statement = statement.where(vehicles.c.customer_id == customer_id)
        return statement

    async def search(
        self, query: str | None, customer_id: str | None, request: PageRequest
    ) -> list[Vehicle]:
        statement = self._matching(query, customer_id).order_by(vehicles.c.id)
        return [_vehicle(row) for row in await self._page_rows(statement, request)]

    async def count(self, query: str | None, customer_id: str | None) -> int:
        return await self._count(self._matching(query, customer_id))

    async def get_many(self, vehicle_ids: Sequence[str]) -> dict[str, Vehicle]:
        rows = await self._rows(VEHICLES_BY_ID, ids=list(vehicle_ids))
        return {row["id"]: _vehicle(row) for row in rows}

    async def holder_of_vin(self, vin: str) -> str | None:
        return await self._value(HOLDER_OF_VIN, vin=vin)

    async def add(self, vehicle: Vehicle) -> None:
        try:
            row = await self._row(ADD_VEHICLE, **_row_values(vehicle))
        except UniqueViolationError as error:
            raise _vin_conflict(vehicle, error) from error
        assert row is not None, "an INSERT ... RETURNING gives its row"
        take_written(vehicle, row)
        self.track(vehicle)

    def _stored_form(self, vehicle: Vehicle) -> dict[str, Any]:
        return _row_values(vehicle)

    async def _save(self, vehicle: Vehicle, before: dict[str, Any]) -> None:
        try:
            row = await self._row(SAVE_VEHICLE, **_saved_values(vehicle))
        except UniqueViolationError as error:
            raise _vin_conflict(vehicle, error) from error
        if row is None:
            raise self.stale(vehicle.id, vehicle.version)
        take_written(vehicle, row)


def _vin_conflict(vehicle: Vehicle, error: UniqueViolationError) -> Exception:
    if error.constraint_name == "uq_vehicles_tenant_vin":
        return DuplicateVin(
            f"VIN {vehicle.vin} is already registered to another vehicle.", field="vin"
        )
    return error
