"""Customer and vehicle use cases: look up, search, register, edit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from domain.customers import (
    CUSTOMER_CREATED,
    CUSTOMER_UPDATED,
    VEHICLE_REGISTERED,
    VEHICLE_UPDATED,
    Customer,
    CustomerNotFound,
    DuplicateVin,
    Vehicle,
    VehicleNotFound,
    customer_facts,
    vehicle_facts,
)
from domain.paging import Page, PageRequest
from persistence.unit_of_work import UnitOfWork, UnitOfWorkFactory
from resolvers.identifiers import id_for_new
from resolvers.paging import paged


async def search_customers(
    uow: UnitOfWorkFactory, query: str | None, request: PageRequest
) -> Page[Customer]:
    return await paged(
        uow,
        request,
        rows=lambda work: work.customers.search(query, request),
        total=lambda work: work.customers.count(query),
    )


async def search_vehicles(
    uow: UnitOfWorkFactory, query: str | None, customer_id: str | None, request: PageRequest
) -> Page[Vehicle]:
    return await paged(
        uow,
        request,
        rows=lambda work: work.vehicles.search(query, customer_id, request),
        total=lambda work: work.vehicles.count(query, customer_id),
    )


async def customer(uow: UnitOfWorkFactory, customer_id: str) -> Customer:
    async with uow() as work:
        return await _existing_customer(work, customer_id)


async def vehicle(uow: UnitOfWorkFactory, vehicle_id: str) -> Vehicle:
    async with uow() as work:
        return await _existing_vehicle(work, vehicle_id)


async def customers_by_id(uow: UnitOfWorkFactory, ids: Sequence[str]) -> list[Customer | None]:
    """Batch for the CustomerByIdLoader: one statement for every id asked in a request."""
    async with uow() as work:
        found = await work.customers.get_many(ids)
    return [found.get(i) for i in ids]


async def vehicles_by_customer(
    uow: UnitOfWorkFactory, customer_ids: Sequence[str]
) -> list[list[Vehicle]]:
    """Batch for the VehiclesByCustomerLoader: one statement for a whole page of customers."""
    async with uow() as work:
        owned = await work.vehicles.owned_by(customer_ids)
    return [owned[i] for i in customer_ids]


async def create_customer(uow: UnitOfWorkFactory, fields: Mapping[str, Any]) -> Customer:
    async with uow() as work:
        customer_id = await id_for_new(
            work, fields.get("id"), "CUST", work.customers.exists, "Customer", "customerId"
        )
        draft = Customer(**{**fields, "id": customer_id})
        created = await work.customers.add(draft)
        work.record(CUSTOMER_CREATED, "customer", created.id, customer_facts(created))
        await work.commit()
        return created


async def update_customer(
    uow: UnitOfWorkFactory, customer_id: str, version: int | None, changes: Mapping[str, Any]
) -> Customer:
    async with uow() as work:
        current = await _existing_customer(work, customer_id)
        edited = current.with_changes(**changes, version=version or current.version)
        saved = await work.customers.update(edited)
        work.record(CUSTOMER_UPDATED, "customer", saved.id, customer_facts(saved))
        await work.commit()
        return saved


async def create_vehicle(uow: UnitOfWorkFactory, fields: Mapping[str, Any]) -> Vehicle:
    async with uow() as work:
        vehicle_id = await id_for_new(
            work, fields.get("id"), "VEH", work.vehicles.exists, "Vehicle", "vehicleId"
        )
        draft = Vehicle(**{**fields, "id": vehicle_id})
        await _owner_must_exist(work, draft.customer_id)
        await _vin_must_be_free(work, draft)
        created = await work.vehicles.add(draft)
        work.record(VEHICLE_REGISTERED, "vehicle", created.id, vehicle_facts(created))
        await work.commit()
        return created


async def update_vehicle(
    uow: UnitOfWorkFactory, vehicle_id: str, version: int | None, changes: Mapping[str, Any]
) -> Vehicle:
    async with uow() as work:
        current = await _existing_vehicle(work, vehicle_id)
        edited = current.with_changes(**changes, version=version or current.version)
        if edited.customer_id != current.customer_id:
            await _owner_must_exist(work, edited.customer_id)
        if edited.vin != current.vin:
            await _vin_must_be_free(work, edited)
        saved = await work.vehicles.update(edited)
        work.record(VEHICLE_UPDATED, "vehicle", saved.id, vehicle_facts(saved))
        await work.commit()
        return saved


async def _existing_customer(work: UnitOfWork, customer_id: str) -> Customer:
    found = await work.customers.get(customer_id)
    if found is None:
        raise no_customer(customer_id)
    return found


async def _existing_vehicle(work: UnitOfWork, vehicle_id: str) -> Vehicle:
    found = await work.vehicles.get(vehicle_id)
    if found is None:
        raise no_vehicle(vehicle_id)
    return found


def no_customer(customer_id: str) -> CustomerNotFound:
    return CustomerNotFound(f"Customer '{customer_id}' was not found.", field="customerId")


def no_vehicle(vehicle_id: str) -> VehicleNotFound:
    return VehicleNotFound(f"Vehicle '{vehicle_id}' was not found.", field="vehicleId")


async def _owner_must_exist(work: UnitOfWork, customer_id: str) -> None:
    if not await work.customers.exists(customer_id):
        raise CustomerNotFound(
            f"Customer '{customer_id}' was not found; register the customer before the vehicle.",
            field="customerId",
        )


async def _vin_must_be_free(work: UnitOfWork, draft: Vehicle) -> None:
    holder = await work.vehicles.holder_of_vin(draft.vin)
    if holder is not None and holder != draft.id:
        raise DuplicateVin(
            f"VIN {draft.vin} is already registered to vehicle {holder}; each VIN belongs to "
            "one vehicle.",
            field="vin",
        )
