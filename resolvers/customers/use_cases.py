"""Customer and vehicle use cases: look up, search, register, edit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from domain.clock import Clock
from domain.customers import (
    Customer,
    CustomerNotFound,
    DuplicateVin,
    Vehicle,
)
from domain.paging import Page, PageRequest
from resolvers.changes import changing, existing
from resolvers.identifiers import id_for_new
from resolvers.paging import paged
from resolvers.ports import UnitOfWork, UnitOfWorkFactory


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
        return await existing(work.customers, customer_id)


async def vehicle(uow: UnitOfWorkFactory, vehicle_id: str) -> Vehicle:
    async with uow() as work:
        return await existing(work.vehicles, vehicle_id)


async def customers_by_id(uow: UnitOfWorkFactory, ids: Sequence[str]) -> list[Customer | None]:
    """Batch for the CustomerByIdLoader: one statement for every id asked in a request."""
    async with uow() as work:
        found = await work.customers.get_many(ids)
    return [found.get(i) for i in ids]


async def vehicles_by_id(uow: UnitOfWorkFactory, ids: Sequence[str]) -> list[Vehicle | None]:
    """Batch for the vehicle links of estimates and orders: one statement per request."""
    async with uow() as work:
        found = await work.vehicles.get_many(ids)
    return [found.get(i) for i in ids]


async def vehicles_by_customer(
    uow: UnitOfWorkFactory, customer_ids: Sequence[str]
) -> list[list[Vehicle]]:
    """Batch for the VehiclesByCustomerLoader: one statement for a whole page of customers."""
    async with uow() as work:
        owned = await work.vehicles.owned_by(customer_ids)
    return [owned[i] for i in customer_ids]


async def create_customer(
    uow: UnitOfWorkFactory, clock: Clock, fields: Mapping[str, Any]
) -> Customer:
    async with uow() as work:
        customer_id = await id_for_new(
            work, fields.get("id"), "CUST", work.customers.exists, "Customer", "customerId"
        )
        created = Customer.register(work.tenant_id, clock.now(), **{**fields, "id": customer_id})
        await work.customers.add(created)
        await work.commit()
        return created


async def update_customer(
    uow: UnitOfWorkFactory,
    clock: Clock,
    customer_id: str,
    version: int,
    changes: Mapping[str, Any],
) -> Customer:
    async with uow() as work:
        async with changing(work.customers, customer_id, version) as edited:
            edited.edit(work.tenant_id, clock.now(), **changes)
        await work.commit()
        return edited


async def create_vehicle(
    uow: UnitOfWorkFactory, clock: Clock, fields: Mapping[str, Any]
) -> Vehicle:
    async with uow() as work:
        vehicle_id = await id_for_new(
            work, fields.get("id"), "VEH", work.vehicles.exists, "Vehicle", "vehicleId"
        )
        created = Vehicle.register(work.tenant_id, clock.now(), **{**fields, "id": vehicle_id})
        await _owner_must_exist(work, created.customer_id)
        await _vin_must_be_free(work, created)
        await work.vehicles.add(created)
        await work.commit()
        return created


async def update_vehicle(
    uow: UnitOfWorkFactory,
    clock: Clock,
    vehicle_id: str,
    version: int,
    changes: Mapping[str, Any],
) -> Vehicle:
    async with uow() as work:
        async with changing(work.vehicles, vehicle_id, version) as edited:
            owner, vin = edited.customer_id, edited.vin
            edited.edit(work.tenant_id, clock.now(), **changes)
            if edited.customer_id != owner:
                await _owner_must_exist(work, edited.customer_id)
            if edited.vin != vin:
                await _vin_must_be_free(work, edited)
        await work.commit()
        return edited


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
