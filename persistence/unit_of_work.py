"""The unit of work: one transaction, one tenant, every repository bound to both.

This is the one place that builds repositories for a tenant. Nothing is written unless
`commit()` is called; leaving the block otherwise rolls back, so a failed mutation leaves
no partial state.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from persistence.repositories.catalog import (
    CategoryRepository,
    PartRepository,
    ServiceRepository,
)
from persistence.repositories.customers import CustomerRepository, VehicleRepository
from persistence.repositories.locations import (
    ApprovalPolicyRepository,
    LocationRepository,
    TaxCodeRepository,
)
from persistence.repositories.naming import NamingSeries


class UnitOfWork:
    naming: NamingSeries
    customers: CustomerRepository
    vehicles: VehicleRepository
    categories: CategoryRepository
    parts: PartRepository
    services: ServiceRepository
    locations: LocationRepository
    tax_codes: TaxCodeRepository
    approval_policies: ApprovalPolicyRepository

    def __init__(self, engine: AsyncEngine, tenant_id: str):
        self._engine = engine
        self.tenant_id = tenant_id
        self._connection: AsyncConnection | None = None

    async def __aenter__(self) -> Self:
        connection = await self._engine.connect()
        await connection.begin()
        self._connection = connection
        tenant = self.tenant_id
        self.naming = NamingSeries(connection, tenant)
        self.customers = CustomerRepository(connection, tenant)
        self.vehicles = VehicleRepository(connection, tenant)
        self.categories = CategoryRepository(connection, tenant)
        self.parts = PartRepository(connection, tenant)
        self.services = ServiceRepository(connection, tenant)
        self.locations = LocationRepository(connection, tenant)
        self.tax_codes = TaxCodeRepository(connection, tenant)
        self.approval_policies = ApprovalPolicyRepository(connection, tenant)
        return self

    async def commit(self) -> None:
        assert self._connection is not None, "commit() outside `async with`"
        await self._connection.commit()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        assert self._connection is not None
        try:
            if self._connection.in_transaction():
                await self._connection.rollback()
        finally:
            await self._connection.close()
            self._connection = None


UnitOfWorkFactory = Callable[[], UnitOfWork]


def unit_of_work_factory(engine: AsyncEngine, tenant_id: str) -> UnitOfWorkFactory:
    """Units of work for one tenant, opened one per use case call."""
    return lambda: UnitOfWork(engine, tenant_id)
