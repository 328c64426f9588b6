"""The unit of work: one transaction, one tenant, every repository bound to both.

This is the one place that builds repositories for a tenant. Nothing is written unless
`commit()` is called; leaving the block otherwise rolls back, so a failed mutation leaves
no partial state. `commit()` saves every aggregate the repositories loaded or added that
changed, and moves the events those aggregates recorded into the outbox as they were
recorded (same id, same instant), in the same transaction as the state they describe:
never one without the other.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import suppress
from functools import cached_property
from types import TracebackType
from typing import Generic, Self, TypeVar

import asyncpg
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import PoolProxiedConnection

from domain.errors import ServiceUnavailable
from domain.events import DomainEvent
from persistence.database import checked_out, discard, numbering_engine, timeouts_of
from persistence.driver import LOST_CONNECTION, Driver, TenantDriver
from persistence.json_reads.documents import JsonDocuments
from persistence.repositories.aggregates import AggregateRepository
from persistence.repositories.base import TenantRepository
from persistence.repositories.catalog.repository import (
    CategoryRepository,
    PartRepository,
    ServiceRepository,
)
from persistence.repositories.customers.repository import CustomerRepository, VehicleRepository
from persistence.repositories.dashboard.repository import OperationsDashboardRepository
from persistence.repositories.estimates.audit import AuditTrail
from persistence.repositories.estimates.repository import EstimateRepository
from persistence.repositories.finance.cost_transactions import (
    CostTransactionRepository,
    FinanceLockRepository,
)
from persistence.repositories.finance.periods import FinancialPeriodRepository
from persistence.repositories.idempotency import IdempotencyKeys
from persistence.repositories.inbox import InboxRepository
from persistence.repositories.inventory.customer_view import CustomerInventory
from persistence.repositories.inventory.lone_reservations import LoneReservations
from persistence.repositories.inventory.movements import StockLedger
from persistence.repositories.inventory.pricing import (
    CustomerPriceListRepository,
    TierDiscountRepository,
)
from persistence.repositories.inventory.reservations import StockReservations
from persistence.repositories.inventory.shortages import ShortageAlertLog
from persistence.repositories.inventory.stock import StockRepository
from persistence.repositories.locations.repository import (
    ApprovalPolicyRepository,
    LocationRepository,
    TaxCodeRepository,
)
from persistence.repositories.naming import NamingSeries
from persistence.repositories.outbox import EventLog, OutboxWriter
from persistence.repositories.parties import PartiesRepository
from persistence.repositories.receivables.accounts import (
    ChartOfAccountsRepository,
    InvoiceNumberSeries,
)
from persistence.repositories.receivables.credit_control import (
    CreditStandingRepository,
    ReceivableRepository,
)
from persistence.repositories.receivables.credit_memos import CreditMemoRepository
from persistence.repositories.receivables.dunning import DunningRunRepository, DunningSetup
from persistence.repositories.receivables.invoices import InvoiceRepository
from persistence.repositories.receivables.journal import JournalRepository
from persistence.repositories.receivables.payments import PaymentRepository
from persistence.repositories.receivables.reports import ReceivablesReports
from persistence.repositories.receivables.write_offs import WriteOffRepository
from persistence.repositories.sales.backorders import BackorderRepository
from persistence.repositories.sales.opportunities import OpportunityRepository
from persistence.repositories.sales.orders import SalesOrderRepository
from persistence.repositories.sales.terms import OrderTerms
from persistence.repositories.service_orders.appointments import AppointmentRepository
from persistence.repositories.service_orders.people import PeopleRepository
from persistence.repositories.service_orders.records import OrderRecordRepository
from persistence.repositories.service_orders.repository import ServiceOrderRepository
from persistence.repositories.sla.alerts import SlaAlertRepository
from persistence.repositories.sla.policies import SlaPolicyRepository

UNANSWERED: tuple[type[BaseException], ...] = (TimeoutError, PoolTimeout)
"""The database did not answer in time (a statement, a connection, a pool checkout)."""


def unavailable() -> ServiceUnavailable:
    return ServiceUnavailable(
        "The database did not answer in time; nothing was changed. Try again in a moment."
    )


R = TypeVar("R", bound=TenantRepository)


class _Repository(Generic[R]):
    """A unit of work's repository of one kind, built on its first use and then kept
    (the instance attribute it leaves behind is found before this descriptor)."""

    def __init__(self, kind: type[R]):
        self._kind = kind
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, work: UnitOfWork, owner: type | None = None) -> R:
        built = self._kind(*work._bound)
        work.__dict__[self._name] = built
        return built


class UnitOfWork:
    """Repositories are built on first use: a use case touches a few of two dozen.

    A `reading` unit opens no transaction: each statement runs by itself, and sees what
    it would see inside a READ COMMITTED transaction (a snapshot per statement), so the
    graph's DataLoader batches spend no BEGIN and ROLLBACK round trips on their one or
    two SELECTs. It cannot commit, and a row lock taken in it (`lock=True`) would end
    with its statement, so it serves reads that need neither.
    """

    def __init__(self, engine: AsyncEngine, tenant_id: str, *, reading: bool = False):
        self._engine = engine
        self.tenant_id = tenant_id
        self._reading = reading
        self._pooled: PoolProxiedConnection | None = None
        self._driver: Driver | None = None
        self._statements: TenantDriver | None = None
        self._deadline = asyncio.timeout(timeouts_of(engine).unit)

    async def __aenter__(self) -> Self:
        # SQLAlchemy only lends the pooled connection: every statement, and the
        # transaction around them, goes through the driver (persistence/driver.py).
        # The deadline covers the unit from here to its end (see DatabaseTimeouts).
        await self._deadline.__aenter__()
        try:
            connection = await checked_out(self._engine)
        except BaseException as error:
            await self._end_deadline(error)
            raise
        driver = Driver(connection.driver_connection)
        try:
            if not self._reading:
                await driver.begin()
        except BaseException as error:
            await discard(connection)
            await self._end_deadline(error)
            raise
        self._pooled, self._driver = connection, driver
        self._statements = TenantDriver(driver, self.tenant_id)
        return self

    @property
    def _bound(self) -> tuple[TenantDriver]:
        assert self._statements is not None, "repositories are used inside `async with`"
        return (self._statements,)

    customers = _Repository(CustomerRepository)
    vehicles = _Repository(VehicleRepository)
    categories = _Repository(CategoryRepository)
    parts = _Repository(PartRepository)
    services = _Repository(ServiceRepository)
    locations = _Repository(LocationRepository)
    tax_codes = _Repository(TaxCodeRepository)
    approval_policies = _Repository(ApprovalPolicyRepository)
    financial_periods = _Repository(FinancialPeriodRepository)
    inbox = _Repository(InboxRepository)
    audit_trail = _Repository(AuditTrail)
    cost_transactions = _Repository(CostTransactionRepository)
    finance_locks = _Repository(FinanceLockRepository)
    idempotency_keys = _Repository(IdempotencyKeys)
    order_records = _Repository(OrderRecordRepository)
    sla_policies = _Repository(SlaPolicyRepository)
    people = _Repository(PeopleRepository)
    appointments = _Repository(AppointmentRepository)
    sla_alerts = _Repository(SlaAlertRepository)
    operations_dashboard = _Repository(OperationsDashboardRepository)
    parties = _Repository(PartiesRepository)
    stock = _Repository(StockRepository)
    stock_ledger = _Repository(StockLedger)
    stock_reservations = _Repository(StockReservations)
    lone_reservations = _Repository(LoneReservations)
    shortage_alerts = _Repository(ShortageAlertLog)
    customer_inventory = _Repository(CustomerInventory)
    customer_prices = _Repository(CustomerPriceListRepository)
    tier_discounts = _Repository(TierDiscountRepository)
    receivables = _Repository(ReceivableRepository)
    backorders = _Repository(BackorderRepository)
    opportunities = _Repository(OpportunityRepository)
    invoices = _Repository(InvoiceRepository)
    invoice_numbers = _Repository(InvoiceNumberSeries)
    chart_of_accounts = _Repository(ChartOfAccountsRepository)
    journal = _Repository(JournalRepository)
    json_documents = _Repository(JsonDocuments)
    credit_standings = _Repository(CreditStandingRepository)
    write_offs = _Repository(WriteOffRepository)
    credit_memos = _Repository(CreditMemoRepository)
    dunning = _Repository(DunningSetup)
    dunning_runs = _Repository(DunningRunRepository)
    receivables_reports = _Repository(ReceivablesReports)

    @cached_property
    def naming(self) -> NamingSeries:
        return NamingSeries(numbering_engine(self._engine), self.tenant_id)

    @cached_property
    def event_log(self) -> EventLog:
        return EventLog(*self._bound)

    @cached_property
    def estimates(self) -> EstimateRepository:
        return EstimateRepository(*self._bound, self.audit_trail)

    @cached_property
    def service_orders(self) -> ServiceOrderRepository:
        return ServiceOrderRepository(*self._bound, self.order_records)

    @cached_property
    def sales_orders(self) -> SalesOrderRepository:
        """Bound to the unit's stock: a new order's statement writes the levels and new
        reservations of the items it reserves from (`StockRepository.carry`)."""
        return SalesOrderRepository(*self._bound, self.stock)

    @cached_property
    def order_terms(self) -> OrderTerms:
        """Bound to the unit's stock: the terms' statement locks the order's items, and
        the stock repository tracks them (`StockRepository.adopted`)."""
        return OrderTerms(*self._bound, self.stock)

    @cached_property
    def payments(self) -> PaymentRepository:
        """Bound to the unit's invoices: a new payment's statement writes the money
        moves of the invoices it pays (`InvoiceRepository.carry`)."""
        return PaymentRepository(*self._bound, self.invoices)

    async def commit(self) -> None:
        """Save what changed, write the recorded events to the outbox, and commit; the
        unit of work ends here."""
        assert self._driver is not None, "commit() outside `async with`"
        assert not self._reading, "a reading unit of work has nothing to commit"
        events: list[DomainEvent] = []
        for repository in list(self.__dict__.values()):
            if isinstance(repository, AggregateRepository):
                events += await repository.flush()
        if events:
            await OutboxWriter(self._driver).append(events)
        await self._driver.commit()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        connection, driver = self._pooled, self._driver
        assert connection is not None and driver is not None
        self._pooled = self._driver = self._statements = None
        try:
            await self._deadline.__aexit__(exc_type, exc, traceback)
        except TimeoutError as expired:
            exc = expired
        stalled = isinstance(exc, UNANSWERED)
        try:
            # If the connection broke, the transaction ended with it; what is reported is
            # why the unit failed, not that its rollback could not be sent. After the
            # unit's deadline passed, the server may be stalled: no ROLLBACK is sent to
            # wait on; the connection is discarded and the server ends the transaction.
            with suppress(*LOST_CONNECTION, *UNANSWERED, asyncpg.PostgresError):
                if not stalled and not driver.connection.is_closed() and driver.in_transaction():
                    await driver.rollback()
        finally:
            if stalled or driver.in_transaction() or driver.connection.is_closed():
                # Never hand the pool a connection still inside this transaction (the
                # ROLLBACK was cancelled or the connection broke): it is discarded.
                await discard(connection)
            else:
                # Handing back does no I/O: the pool has room for every connection it
                # opened, and the driver's connection holds no transaction of its own
                # to reset (the unit's is begun and ended on asyncpg's).
                connection.close()
        if stalled:
            raise unavailable() from exc

    async def _end_deadline(self, error: BaseException) -> None:
        """Leave the deadline after a failed start; its expiry is the database not
        answering, told as ServiceUnavailable (anything else is raised as it was)."""
        try:
            await self._deadline.__aexit__(type(error), error, error.__traceback__)
        except TimeoutError as expired:
            raise unavailable() from expired
        if isinstance(error, UNANSWERED):
            raise unavailable() from error


UnitOfWorkFactory = Callable[[], UnitOfWork]


def unit_of_work_factory(
    engine: AsyncEngine, tenant_id: str, *, reading: bool = False
) -> UnitOfWorkFactory:
    """Units of work for one tenant, opened one per use case call (`reading`: see
    UnitOfWork)."""
    return lambda: UnitOfWork(engine, tenant_id, reading=reading)
