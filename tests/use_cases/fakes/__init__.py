"""An in-memory unit of work for the use-case tests: `resolvers.ports.UnitOfWork`
without PostgreSQL, so a rule is tested in milliseconds.

`memory.py` is the generic part (transaction, tracking, version checks, outbox, naming
series); each area adds a module of its fake repositories and a `...Work` class that
names them, and joins `FakeUnitOfWork`'s bases below, as it joins the port's.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.use_cases.fakes.catalog import CatalogWork
from tests.use_cases.fakes.customer_pricing import CustomerPricingWork
from tests.use_cases.fakes.customers import CustomersWork
from tests.use_cases.fakes.estimates import EstimatesWork
from tests.use_cases.fakes.inventory import InventoryWork
from tests.use_cases.fakes.locations import LocationsWork
from tests.use_cases.fakes.memory import Database, DuplicateKey, Work
from tests.use_cases.fakes.parties import PartiesWork
from tests.use_cases.fakes.receivables import ReceivablesWork
from tests.use_cases.fakes.sales import SalesWork
from tests.use_cases.fakes.service_orders import ServiceOrdersWork


class FakeUnitOfWork(
    CustomersWork,
    CatalogWork,
    LocationsWork,
    EstimatesWork,
    PartiesWork,
    ServiceOrdersWork,
    InventoryWork,
    CustomerPricingWork,
    SalesWork,
    ReceivablesWork,
    Work,
):
    """One tenant's unit of work over an in-memory `Database`."""


def units_of_work(database: Database, tenant_id: str) -> Callable[[], FakeUnitOfWork]:
    """The factory use cases take, for one tenant (`unit_of_work_factory`'s twin)."""
    return lambda: FakeUnitOfWork(database, tenant_id)


__all__ = ["Database", "DuplicateKey", "FakeUnitOfWork", "units_of_work"]
