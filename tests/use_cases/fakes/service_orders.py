"""In-memory service orders and what they read: the fake side of
`resolvers/service_orders/ports.py`.

An order is kept as the real tables keep it: its row (header, items, deadlines), and
beside it the records it gathered, one row each, only ever added (work sessions and
parts by their own ids, the snapshot and the GL entries by the order's id), but for a
part declined later, whose row is replaced. Saving an
order checks the version *and* the status it was read with, as the real conditional
UPDATE does, then adds the records recorded since it was read; a record id taken by
another order is the primary key's refusal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from typing import Any

from domain.finance.periods import FinancialPeriod
from domain.paging import PageRequest
from domain.service_orders.appointments import Appointment
from domain.service_orders.intake import EstimateAlreadyOrdered
from domain.service_orders.order import ServiceOrder, ServiceOrderNotFound
from domain.service_orders.search import OrderFilter
from domain.service_orders.sla import DEFAULT_POLICIES, SlaPolicy
from domain.service_orders.status import Priority
from domain.service_orders.work_sessions import Person
from domain.work_parties import WorkParty
from tests.use_cases.fakes.memory import Aggregates, DuplicateKey, Repository, Table, page_of

RECORDS = ("work_sessions", "parts", "snapshot", "gl_entries")
"""What an order gathers in tables of their own."""
HEADER = tuple(
    f.name for f in fields(ServiceOrder) if f.name not in (*RECORDS, "events", "version")
)
SESSIONS, PARTS, SNAPSHOTS, GL_ENTRIES = (
    "work_sessions",
    "parts_usages",
    "billing_snapshots",
    "service_order_gl_entries",
)


class InMemoryServiceOrders(Aggregates[ServiceOrder]):
    table = "service_orders"
    noun = "Service order"
    kind = ServiceOrder

    def not_found(self, aggregate_id: str) -> ServiceOrderNotFound:
        return ServiceOrderNotFound(aggregate_id)

    async def get(self, aggregate_id: str, *, lock: bool = False) -> ServiceOrder | None:
        row = self._work.read(self.table, aggregate_id)
        return None if row is None else self.track(self._order(row))

    async def search(self, where: OrderFilter, request: PageRequest) -> list[ServiceOrder]:
        return self._newest_first(self._matching(where), request)

    def _newest_first(self, rows: list[dict[str, Any]], request: PageRequest) -> list[ServiceOrder]:
        found = sorted(rows, key=lambda row: (row["created_at"], row["id"]))
        return [self._order(row) for row in page_of(found[::-1], request)]

    async def count(self, where: OrderFilter) -> int:
        return len(self._matching(where))

    async def attach_records(self, orders: Sequence[ServiceOrder]) -> None:
        """The fake reads orders whole; an order's records are what it holds already."""

    async def pages_of(
        self,
        party: WorkParty,
        party_ids: Sequence[str],
        where: OrderFilter,
        request: PageRequest,
    ) -> dict[str, list[ServiceOrder]]:
        column = f"{party.value.lower()}_id"
        return {
            party_id: self._newest_first(
                [r for r in self._matching(where) if r[column] == party_id], request
            )
            for party_id in party_ids
        }

    async def counts_of(
        self, party: WorkParty, party_ids: Sequence[str], where: OrderFilter
    ) -> dict[str, int]:
        column = f"{party.value.lower()}_id"
        matching = self._matching(where)
        return {i: sum(1 for r in matching if r[column] == i) for i in party_ids}

    async def for_estimate(self, estimate_id: str) -> str | None:
        return next(
            (r["id"] for r in self._work.rows(self.table) if r["estimate_id"] == estimate_id),
            None,
        )

    async def from_estimates(self, estimate_ids: Sequence[str]) -> dict[str, ServiceOrder]:
        wanted = set(estimate_ids)
        return {
            row["estimate_id"]: self._order(row)
            for row in self._work.rows(self.table)
            if row["estimate_id"] in wanted
        }

    async def add(self, aggregate: ServiceOrder) -> None:
        assert aggregate.deadlines is not None, "an order is stored with its SLA deadlines"
        if self._work.read(self.table, aggregate.id) is not None:
            raise DuplicateKey(f"{self.table} {aggregate.id!r} exists")
        self._check_unique(aggregate)
        self._work.write(self.table, aggregate.id, self._row(aggregate, version=1))
        aggregate.version = 1
        self.track(aggregate)

    def _stored_form(self, aggregate: ServiceOrder) -> dict[str, Any]:  # type: ignore[override]
        return {
            **{name: getattr(aggregate, name) for name in HEADER},
            "work_sessions": tuple(aggregate.work_sessions),
            "parts": tuple(aggregate.parts),
            "snapshot": aggregate.snapshot,
            "gl_entries": aggregate.gl_entries,
        }

    def _check_unique(self, aggregate: ServiceOrder) -> None:
        """The unique index on (tenant, estimate): one estimate becomes one order."""
        estimate_id = aggregate.estimate_id
        if estimate_id and any(
            row["estimate_id"] == estimate_id and row["id"] != aggregate.id
            for row in self._work.rows(self.table)
        ):
            raise EstimateAlreadyOrdered(estimate_id)

    def _save(self, aggregate: ServiceOrder) -> None:
        """The header if still at the version and status read, then the records added."""
        before = self._tracked[aggregate.id][1]
        stored = self._work.read(self.table, aggregate.id)
        if (
            stored is None
            or stored["version"] != aggregate.version
            or stored["status"] != before["status"]
        ):
            raise self.stale(aggregate.id, aggregate.version)
        self._work.write(self.table, aggregate.id, self._row(aggregate, aggregate.version + 1))
        aggregate.version += 1
        self._add_records(aggregate, before)

    def _row(self, order: ServiceOrder, version: int) -> dict[str, Any]:
        return {**{name: getattr(order, name) for name in HEADER}, "version": version}

    def _add_records(self, order: ServiceOrder, before: dict[str, Any]) -> None:
        known = {s.session_id for s in before["work_sessions"]}
        for session in order.work_sessions:
            if session.session_id not in known:
                self._insert(SESSIONS, session.session_id, (order.id, session))
        stored_parts = {p.workorder_part_id: p for p in before["parts"]}
        for position, part in enumerate(order.parts, start=1):
            if part.workorder_part_id not in stored_parts:
                self._insert(PARTS, part.workorder_part_id, (order.id, position, part))
            elif stored_parts[part.workorder_part_id] != part:
                row = self._work.read(PARTS, part.workorder_part_id)
                self._work.write(PARTS, part.workorder_part_id, (order.id, row[1], part))
        if order.snapshot is not None and before["snapshot"] is None:
            self._insert(SNAPSHOTS, order.id, order.snapshot)
        if order.gl_entries and not before["gl_entries"]:
            self._insert(GL_ENTRIES, order.id, order.gl_entries)

    def _insert(self, table: str, key: Any, row: Any) -> None:
        if self._work.read(table, key) is not None:
            raise DuplicateKey(f"{table} {key!r} exists")
        self._work.write(table, key, row)

    def _order(self, row: dict[str, Any]) -> ServiceOrder:
        """The order with its records, each read as the real repository orders them."""
        order_id = row["id"]
        sessions = [s for o, s in self._work.rows(SESSIONS) if o == order_id]
        parts = sorted(
            (p for p in self._work.rows(PARTS) if p[0] == order_id),
            key=lambda p: (p[1], p[2].workorder_part_id),
        )
        return ServiceOrder(
            **row,
            work_sessions=sorted(sessions, key=lambda s: (s.start_time, s.session_id)),
            parts=[part for _, _, part in parts],
            snapshot=self._work.read(SNAPSHOTS, order_id),
            gl_entries=self._work.read(GL_ENTRIES, order_id) or (),
        )

    def _matching(self, where: OrderFilter) -> list[dict[str, Any]]:
        return [
            row
            for row in self._work.rows(self.table)
            if (not where.location_id or row["location_id"] == where.location_id)
            and (not where.statuses or row["status"] in where.statuses)
            and (not where.priorities or row["priority"] in where.priorities)
            and (not where.customer_id or row["customer_id"] == where.customer_id)
        ]


class InMemoryOrderRecords(Table[Any]):
    table = SESSIONS

    async def part_ids_taken(self, part_ids: Sequence[str]) -> set[str]:
        return {i for i in part_ids if self._work.read(PARTS, i) is not None}


class InMemoryPeople(Table[Any]):
    table = "people"

    async def get_many(self, person_ids: Iterable[str]) -> dict[str, Person]:
        found = {i: self._work.read(self.table, i) for i in person_ids}
        return {i: row["person"] for i, row in found.items() if row is not None}

    async def put(self, person: Person, name: str) -> None:
        self._work.write(self.table, person.person_id, {"person": person, "name": name})


class InMemoryAppointments(Table[Any]):
    table = "service_order_appointments"

    async def record(self, appointment: Appointment) -> bool:
        kept = self._work.read(self.table, appointment.service_order_id)
        if kept is not None and kept["appointment"].updated_at > appointment.updated_at:
            return False
        self._work.write(self.table, appointment.service_order_id, {"appointment": appointment})
        return True

    async def of_orders(self, order_ids: Sequence[str]) -> dict[str, Appointment]:
        found = {i: self._work.read(self.table, i) for i in order_ids}
        return {i: row["appointment"] for i, row in found.items() if row is not None}


class InMemorySlaPolicies(Table[Any]):
    table = "sla_policies"

    async def all(self) -> dict[Priority, SlaPolicy]:
        return {priority: await self.for_priority(priority) for priority in Priority}

    async def for_priority(self, priority: Priority) -> SlaPolicy:
        return self._work.read(self.table, priority) or DEFAULT_POLICIES[priority]

    async def put(self, priority: Priority, policy: SlaPolicy) -> None:
        """Stored as the real column keeps the share, and read back normalized (0.5)."""
        share = policy.at_risk_share.normalize()
        self._work.write(
            self.table,
            priority,
            SlaPolicy(policy.response_within, policy.resolution_within, share),
        )


class InMemoryFinancialPeriods(Table[FinancialPeriod]):
    table = "financial_periods"

    async def record_closed(self, period: FinancialPeriod) -> bool:
        """Store a closed period; False if it was already closed (the first close stands)."""
        if self._work.read(self.table, period.period_id) is not None:
            return False
        self._work.write(self.table, period.period_id, period)
        return True

    async def closed(self) -> list[FinancialPeriod]:
        found = sorted(self._work.rows(self.table), key=lambda p: p.period_id)
        return sorted(found, key=lambda p: p.start, reverse=True)


class ServiceOrdersWork:
    service_orders = Repository(InMemoryServiceOrders)
    order_records = Repository(InMemoryOrderRecords)
    people = Repository(InMemoryPeople)
    appointments = Repository(InMemoryAppointments)
    sla_policies = Repository(InMemorySlaPolicies)
    financial_periods = Repository(InMemoryFinancialPeriods)
