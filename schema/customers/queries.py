"""Customer and vehicle lookups (CRM contracts of the WorkExec document)."""

from __future__ import annotations

import strawberry

from domain.identity import Permission
from resolvers.customers import use_cases
from schema.context import Info
from schema.customers.types import Customer, Vehicle
from schema.paging import Page, page_request
from schema.permissions import requires


@strawberry.type
class CustomerQueries:
    @strawberry.field(
        description="Search customers by name, email or phone (case-insensitive, partial).",
        permission_classes=[requires(Permission.CUSTOMER_READ)],
    )
    async def search_customers(
        self,
        info: Info,
        query: str | None = None,
        page_index: int | None = 0,
        page_size: int | None = 20,
    ) -> Page[Customer]:
        page = await use_cases.search_customers(
            info.context.uow, query, page_request(page_index, page_size)
        )
        return Page.of(page, Customer.from_domain)

    @strawberry.field(
        description="Search vehicles by VIN, unit number or licence plate; optionally one "
        "customer's.",
        permission_classes=[requires(Permission.VEHICLE_READ)],
    )
    async def search_vehicles(
        self,
        info: Info,
        query: str | None = None,
        customer_id: strawberry.ID | None = None,
        page_index: int | None = 0,
        page_size: int | None = 20,
    ) -> Page[Vehicle]:
        page = await use_cases.search_vehicles(
            info.context.uow, query, customer_id, page_request(page_index, page_size)
        )
        return Page.of(page, Vehicle.from_domain)

    @strawberry.field(
        description="One customer by id; CUSTOMER_NOT_FOUND if this tenant has none.",
        permission_classes=[requires(Permission.CUSTOMER_READ)],
    )
    async def customer(self, info: Info, id: strawberry.ID) -> Customer:
        return Customer.from_domain(await use_cases.customer(info.context.uow, id))

    @strawberry.field(
        description="One vehicle by id; VEHICLE_NOT_FOUND if this tenant has none.",
        permission_classes=[requires(Permission.VEHICLE_READ)],
    )
    async def vehicle(self, info: Info, id: strawberry.ID) -> Vehicle:
        return Vehicle.from_domain(await use_cases.vehicle(info.context.uow, id))
