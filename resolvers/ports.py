"""The unit of work as use cases see it: a port, not persistence's class.

Use cases are typed against `UnitOfWork` below; `persistence.unit_of_work.UnitOfWork`
satisfies it structurally, and so does the in-memory one the use-case tests run on
(tests/use_cases/fakes/), so a rule can be tested in milliseconds without a database.
It lists only what use cases call: one small protocol per repository, grouped by area
in `resolvers/<area>/ports.py`; an area adds its group to `UnitOfWork`'s bases.

`schema/` holds these types too (its request context), without importing persistence.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Protocol

from domain.customers import Customer, Vehicle
from domain.finance.periods import FinancialPeriod
from domain.locations import Location
from domain.receivables.accounts import ChartOfAccounts
from resolvers.catalog.ports import CatalogWork
from resolvers.customers.ports import CustomersWork
from resolvers.estimates.ports import EstimatesWork
from resolvers.inventory.ports import InventoryWork
from resolvers.inventory.pricing_ports import CustomerPricingWork
from resolvers.locations.ports import LocationsWork
from resolvers.receivables.credit_ports import CreditControlWork
from resolvers.receivables.ports import ReceivablesWork
from resolvers.sales.ports import SalesWork
from resolvers.service_orders.ports import ServiceOrdersWork
from subscriptions.hub import EventHub


class Numbering(Protocol):
    async def next_id(self, prefix: str, width: int = 3) -> str:
        """Take the next number of the series `prefix` (SNAP-001, ...), never given back."""
        ...

    async def next_ids(self, prefix: str, count: int, width: int = 3) -> list[str]:
        """Take the next `count` numbers of the series `prefix` at once, in order."""
        ...

    async def next_id_of_block(self, prefix: str, width: int = 3) -> str:
        """A number of the series `prefix` never given before, from a block of them the
        process took at once: unique, but not in creation order across processes."""
        ...

    def give_back_to_block(self, prefix: str, taken_id: str) -> None:
        """Hand out again next a number `next_id_of_block` gave, which nothing wrote (so
        as to leave no gap)."""
        ...

    async def next_free_id(
        self, prefix: str, is_taken: Callable[[str], Awaitable[bool]], width: int = 3
    ) -> str:
        """The next id of the series `prefix` (CUST-001, ...) no record holds yet."""
        ...

    async def next_ids_with_books(
        self, prefix: str, count: int, width: int = 3
    ) -> tuple[list[str], ChartOfAccounts, list[FinancialPeriod]]:
        """`next_ids`, with the tenant's chart of accounts and closed periods (the latest
        first) read in the same round trip: what payments are numbered and posted by."""
        ...


class Parties(Protocol):
    async def of_new_work(
        self, customer_id: str, vehicle_id: str, location_id: str
    ) -> tuple[Customer | None, Vehicle | None, Location | None]:
        """The three by id, read together; None for each one this tenant has not."""
        ...


class UnitOfWork(
    CustomersWork,
    CatalogWork,
    LocationsWork,
    EstimatesWork,
    ServiceOrdersWork,
    InventoryWork,
    CustomerPricingWork,
    SalesWork,
    ReceivablesWork,
    CreditControlWork,
    Protocol,
):
    """One transaction of one tenant: nothing is stored, and no event published, unless
    `commit()` is called; leaving the block otherwise rolls back."""

    tenant_id: str

    @property
    def naming(self) -> Numbering: ...

    @property
    def parties(self) -> Parties: ...

    async def commit(self) -> None:
        """Save every aggregate loaded or added that changed, move the events they
        recorded to the outbox unchanged, and commit."""
        ...

    async def __aenter__(self) -> UnitOfWork: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
"""Opens one unit of work of a tenant per use case call."""

UnitOfWorkFactoryFor = Callable[[str], UnitOfWorkFactory]
"""Given a tenant id, the factory of that tenant's units of work."""

__all__ = ["EventHub", "UnitOfWork", "UnitOfWorkFactory", "UnitOfWorkFactoryFor"]
