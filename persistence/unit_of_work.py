"""The unit of work: one transaction, one tenant, every repository bound to both.

This is the one place that builds repositories for a tenant. Nothing is written unless
`commit()` is called; leaving the block otherwise rolls back, so a failed mutation leaves
no partial state. Events recorded during the unit of work are written to the outbox by
`commit()`, in the same transaction as the state they describe: never one without the
other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from types import TracebackType
from typing import Any, Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain.events import DomainEvent
from persistence.database import numbering_engine
from persistence.repositories.audit import AuditTrail
from persistence.repositories.catalog import (
    CategoryRepository,
    PartRepository,
    ServiceRepository,
)
from persistence.repositories.cost_transactions import (
    CostTransactionRepository,
    FinanceLockRepository,
)
from persistence.repositories.customers import CustomerRepository, VehicleRepository
from persistence.repositories.dashboard import OperationsDashboardRepository
from persistence.repositories.estimates import EstimateRepository
from persistence.repositories.financial_periods import FinancialPeriodRepository
from persistence.repositories.idempotency import IdempotencyKeys
from persistence.repositories.inbox import InboxRepository
from persistence.repositories.locations import (
    ApprovalPolicyRepository,
    LocationRepository,
    TaxCodeRepository,
)
from persistence.repositories.naming import NamingSeries
from persistence.repositories.outbox import EventLog, OutboxWriter
from persistence.repositories.parties import PartiesRepository
from persistence.repositories.service_orders import ServiceOrderRepository
from persistence.repositories.service_orders_people import PeopleRepository
from persistence.repositories.service_orders_records import OrderRecordRepository
from persistence.repositories.sla_alerts import SlaAlertRepository
from persistence.repositories.sla_policies import SlaPolicyRepository


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
    event_log: EventLog
    financial_periods: FinancialPeriodRepository
    inbox: InboxRepository
    estimates: EstimateRepository
    audit_trail: AuditTrail
    cost_transactions: CostTransactionRepository
    finance_locks: FinanceLockRepository
    idempotency_keys: IdempotencyKeys
    service_orders: ServiceOrderRepository
    order_records: OrderRecordRepository
    sla_policies: SlaPolicyRepository
    people: PeopleRepository
    sla_alerts: SlaAlertRepository
    operations_dashboard: OperationsDashboardRepository
    parties: PartiesRepository

    def __init__(self, engine: AsyncEngine, tenant_id: str):
        self._engine = engine
        self.tenant_id = tenant_id
        self._connection: AsyncConnection | None = None
        self._events: list[DomainEvent] = []

    async def __aenter__(self) -> Self:
        connection = await self._engine.connect()
        await connection.begin()
        self._connection = connection
        tenant = self.tenant_id
        self.naming = NamingSeries(numbering_engine(self._engine), tenant)
        self.customers = CustomerRepository(connection, tenant)
        self.vehicles = VehicleRepository(connection, tenant)
        self.categories = CategoryRepository(connection, tenant)
        self.parts = PartRepository(connection, tenant)
        self.services = ServiceRepository(connection, tenant)
        self.locations = LocationRepository(connection, tenant)
        self.tax_codes = TaxCodeRepository(connection, tenant)
        self.approval_policies = ApprovalPolicyRepository(connection, tenant)
        self.event_log = EventLog(connection, tenant)
        self.financial_periods = FinancialPeriodRepository(connection, tenant)
        self.inbox = InboxRepository(connection, tenant)
        self.estimates = EstimateRepository(connection, tenant)
        self.audit_trail = AuditTrail(connection, tenant)
        self.cost_transactions = CostTransactionRepository(connection, tenant)
        self.finance_locks = FinanceLockRepository(connection, tenant)
        self.idempotency_keys = IdempotencyKeys(connection, tenant)
        self.order_records = OrderRecordRepository(connection, tenant)
        self.service_orders = ServiceOrderRepository(connection, tenant, self.order_records)
        self.sla_policies = SlaPolicyRepository(connection, tenant)
        self.people = PeopleRepository(connection, tenant)
        self.sla_alerts = SlaAlertRepository(connection, tenant)
        self.operations_dashboard = OperationsDashboardRepository(connection, tenant)
        self.parties = PartiesRepository(connection, tenant)
        return self

    def record(
        self,
        event_type: str,
        aggregate_type: str,
        aggregate_id: str,
        payload: Mapping[str, Any],
        occurred_at: datetime | None = None,
    ) -> DomainEvent:
        """Note that something happened to an aggregate of this tenant; published on commit.

        `occurred_at` is the instant the use case's clock gave (defaults to now).
        """
        event = DomainEvent(
            event_type=event_type,
            aggregate_type=aggregate_type,
            aggregate_id=aggregate_id,
            tenant_id=self.tenant_id,
            payload=payload,
            **({"occurred_at": occurred_at} if occurred_at is not None else {}),
        )
        self._events.append(event)
        return event

    async def commit(self) -> None:
        assert self._connection is not None, "commit() outside `async with`"
        if self._events:
            await OutboxWriter(self._connection).append(self._events)
        await self._connection.commit()
        self._events.clear()

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
            self._events.clear()


UnitOfWorkFactory = Callable[[], UnitOfWork]


def unit_of_work_factory(engine: AsyncEngine, tenant_id: str) -> UnitOfWorkFactory:
    """Units of work for one tenant, opened one per use case call."""
    return lambda: UnitOfWork(engine, tenant_id)
