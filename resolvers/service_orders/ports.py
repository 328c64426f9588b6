"""What the service-order use cases ask of their repositories: the port's service-order side
(orders, what is recorded on them, the people who work on them, the SLA policies they are
held to, and the closed periods they read from finance)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from domain.finance.periods import FinancialPeriod
from domain.paging import PageRequest
from domain.service_orders.appointments import Appointment
from domain.service_orders.order import ServiceOrder
from domain.service_orders.search import OrderFilter
from domain.service_orders.sla import SlaPolicy
from domain.service_orders.status import Priority
from domain.service_orders.work_sessions import Person
from domain.work_parties import WorkParty
from resolvers.changes import Changeable


class ServiceOrderStore(Changeable[ServiceOrder], Protocol):
    async def exists(self, record_id: str) -> bool: ...

    async def search(self, where: OrderFilter, request: PageRequest) -> list[ServiceOrder]:
        """One page, newest first, and one order more if another page follows; the
        orders without their records (to read only, see `attach_records`)."""
        ...

    async def attach_records(self, orders: Sequence[ServiceOrder]) -> None:
        """Fill in the work sessions, parts, snapshot and GL entries of orders read
        without them (`search`, `pages_of`, `from_estimates`)."""
        ...

    async def count(self, where: OrderFilter) -> int: ...

    async def pages_of(
        self,
        party: WorkParty,
        party_ids: Sequence[str],
        where: OrderFilter,
        request: PageRequest,
    ) -> dict[str, list[ServiceOrder]]:
        """`search`'s page of each customer, vehicle or location (by `party`) at once."""
        ...

    async def counts_of(
        self, party: WorkParty, party_ids: Sequence[str], where: OrderFilter
    ) -> dict[str, int]:
        """`count` of each customer, vehicle or location at once."""
        ...

    async def for_estimate(self, estimate_id: str) -> str | None:
        """The id of the order an estimate became, if any."""
        ...

    async def from_estimates(self, estimate_ids: Sequence[str]) -> dict[str, ServiceOrder]:
        """The orders the estimates became, by estimate id, without their records (to
        read only)."""
        ...

    async def add(self, order: ServiceOrder) -> None:
        """Store a new order with its items and track it; a second order of one estimate
        is ESTIMATE_ALREADY_ORDERED."""
        ...


class OrderRecordStore(Protocol):
    async def exists(self, record_id: str) -> bool:
        """Whether a work session has the id `record_id` (any order's)."""
        ...

    async def part_ids_taken(self, part_ids: Sequence[str]) -> set[str]:
        """Those of `part_ids` a recorded part usage holds (any order's)."""
        ...


class PeopleStore(Protocol):
    async def get_many(self, person_ids: Iterable[str]) -> dict[str, Person]: ...

    async def put(self, person: Person, name: str) -> None:
        """Create the person or replace their name, roles and locations."""
        ...


class AppointmentStore(Protocol):
    async def record(self, appointment: Appointment) -> bool:
        """Keep `appointment` unless a newer report is kept already; whether it was kept."""
        ...

    async def of_orders(self, order_ids: Sequence[str]) -> dict[str, Appointment]:
        """The latest report per order, for those that have one."""
        ...


class SlaPolicyStore(Protocol):
    async def all(self) -> dict[Priority, SlaPolicy]:
        """Every priority's policy: the tenant's own where set, else the default."""
        ...

    async def for_priority(self, priority: Priority) -> SlaPolicy: ...

    async def put(self, priority: Priority, policy: SlaPolicy) -> None:
        """Set the priority's policy; orders created from now on are held to it."""
        ...


class ClosedPeriods(Protocol):
    async def closed(self) -> list[FinancialPeriod]:
        """Every closed financial period, the latest first."""
        ...


class ServiceOrdersWork(Protocol):
    @property
    def service_orders(self) -> ServiceOrderStore: ...

    @property
    def order_records(self) -> OrderRecordStore: ...

    @property
    def people(self) -> PeopleStore: ...

    @property
    def appointments(self) -> AppointmentStore: ...

    @property
    def sla_policies(self) -> SlaPolicyStore: ...

    @property
    def financial_periods(self) -> ClosedPeriods: ...
