"""What every resolver receives as `info.context`, built per request by the gateway."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

from domain.catalog import Part
from domain.clock import Clock, SystemClock
from domain.customers import Customer, Vehicle
from domain.errors import Forbidden, Unauthenticated
from domain.estimates import Estimate
from domain.identity import Principal
from domain.inventory.movements import StockMovement
from domain.inventory.pricing import CustomerPriceList
from domain.inventory.reservations import Reservation
from domain.inventory.stock import StockItem
from domain.locations import Location
from domain.paging import PageRequest
from domain.receivables.credit_control import CreditStanding
from domain.receivables.invoice import Invoice
from domain.receivables.payment import Payment
from domain.sales.backorders import Backorder
from domain.sales.order import SalesOrder, SalesOrderFilter
from domain.service_orders.acknowledgements import Acknowledger
from domain.service_orders.appointments import Appointment
from domain.service_orders.order import ServiceOrder
from domain.service_orders.work_sessions import Person
from resolvers.catalog import use_cases as catalog
from resolvers.customers import use_cases as customers
from resolvers.dashboard.use_cases import DashboardSnapshots
from resolvers.estimates import editing as estimates
from resolvers.estimates import listing as estimate_lists
from resolvers.inventory import levels as stock
from resolvers.inventory import pricing, reservations
from resolvers.locations import use_cases as locations
from resolvers.ports import EventHub, UnitOfWorkFactory, UnitOfWorkFactoryFor
from resolvers.receivables import credit_control, invoices, payments, reports
from resolvers.receivables import sources as invoice_sources
from resolvers.sales import backorders
from resolvers.sales import queries as sales
from resolvers.service_orders import lifecycle as orders
from resolvers.service_orders import listing as order_lists

if TYPE_CHECKING:
    from schema.planning.planner import ReadPlanner


@dataclass
class Loaders:
    """DataLoaders live for one request (or one subscription event), never longer."""

    uow: UnitOfWorkFactory
    clock: Clock

    @cached_property
    def customer_by_id(self) -> DataLoader[str, Customer | None]:
        return DataLoader(lambda ids: customers.customers_by_id(self.uow, ids))

    @cached_property
    def vehicle_by_id(self) -> DataLoader[str, Vehicle | None]:
        return DataLoader(lambda ids: customers.vehicles_by_id(self.uow, ids))

    @cached_property
    def location_by_id(self) -> DataLoader[str, Location | None]:
        return DataLoader(lambda ids: locations.locations_by_id(self.uow, ids))

    @cached_property
    def part_by_id(self) -> DataLoader[str, Part | None]:
        return DataLoader(lambda ids: catalog.parts_by_id(self.uow, ids))

    @cached_property
    def estimate_by_id(self) -> DataLoader[str, Estimate | None]:
        return DataLoader(lambda ids: estimates.estimates_by_id(self.uow, ids))

    @cached_property
    def order_by_id(self) -> DataLoader[str, ServiceOrder | None]:
        return DataLoader(lambda ids: orders.orders_by_id(self.uow, ids))

    @cached_property
    def invoice_of_order(self) -> DataLoader[str, Invoice | None]:
        return DataLoader(lambda ids: invoices.invoices_of_orders(self.uow, ids))

    @cached_property
    def credit_standing(self) -> DataLoader[str, CreditStanding | None]:
        return DataLoader(lambda ids: credit_control.standings_by_id(self.uow, ids))

    @cached_property
    def invoice_by_id(self) -> DataLoader[str, Invoice | None]:
        return DataLoader(lambda ids: payments.invoices_by_id(self.uow, ids))

    @cached_property
    def payment_by_id(self) -> DataLoader[str, Payment | None]:
        return DataLoader(lambda ids: payments.payments_by_id(self.uow, ids))

    @cached_property
    def allocations_of_invoice(self) -> DataLoader[str, list[payments.InvoiceAllocation]]:
        return DataLoader(lambda ids: payments.allocations_of_invoices(self.uow, ids))

    @cached_property
    def balance_of_customer(self) -> DataLoader[str, Decimal]:
        """Each customer's balance on the receivables account today (UTC)."""
        return DataLoader(
            lambda ids: reports.customer_balances(self.uow, ids, self.clock.now().date())
        )

    @cached_property
    def order_by_estimate(self) -> DataLoader[str, ServiceOrder | None]:
        return DataLoader(lambda ids: orders.orders_by_estimate(self.uow, ids))

    @cached_property
    def revisions_by_number(self) -> DataLoader[str, list[Estimate]]:
        return DataLoader(lambda numbers: estimate_lists.revisions_by_number(self.uow, numbers))

    @cached_property
    def estimate_pages(
        self,
    ) -> DataLoader[tuple[estimate_lists.PagesAsked, str], list[Estimate]]:
        return DataLoader(
            lambda keys: estimate_lists.estimate_pages(self.uow, self.clock.now(), keys)
        )

    @cached_property
    def estimate_counts(self) -> DataLoader[tuple[estimate_lists.CountAsked, str], int]:
        return DataLoader(
            lambda keys: estimate_lists.estimate_counts(self.uow, self.clock.now(), keys)
        )

    @cached_property
    def order_pages(self) -> DataLoader[tuple[order_lists.PagesAsked, str], list[ServiceOrder]]:
        return DataLoader(lambda keys: order_lists.order_pages(self.uow, keys))

    @cached_property
    def order_counts(self) -> DataLoader[tuple[order_lists.CountAsked, str], int]:
        return DataLoader(lambda keys: order_lists.order_counts(self.uow, keys))

    @cached_property
    def order_records(self) -> DataLoader[ServiceOrder, ServiceOrder]:
        """Keyed by the order read without its records, cached by its id."""
        return DataLoader(
            lambda orders: order_lists.with_records(self.uow, orders),
            cache_key_fn=lambda order: order.id,
        )

    @cached_property
    def person_by_id(self) -> DataLoader[str, Person | None]:
        return DataLoader(lambda ids: order_lists.people_by_id(self.uow, ids))

    @cached_property
    def appointment_by_order(self) -> DataLoader[str, Appointment | None]:
        return DataLoader(lambda ids: orders.appointments_of(self.uow, ids))

    @cached_property
    def vehicles_by_customer(self) -> DataLoader[str, list[Vehicle]]:
        return DataLoader(lambda ids: customers.vehicles_by_customer(self.uow, ids))

    @cached_property
    def stock_by_product(self) -> DataLoader[str, list[StockItem]]:
        return DataLoader(lambda ids: stock.levels_by_product(self.uow, ids))

    @cached_property
    def stock_at_location(self) -> DataLoader[tuple[PageRequest, str], list[StockItem]]:
        return DataLoader(lambda keys: stock.levels_by_location(self.uow, keys))

    @cached_property
    def movement_by_id(self) -> DataLoader[str, StockMovement | None]:
        return DataLoader(lambda ids: stock.movements_by_id(self.uow, ids))

    @cached_property
    def reservations_of_level(self) -> DataLoader[tuple[str, str], list[Reservation]]:
        return DataLoader(lambda pairs: reservations.active_reservations_of_levels(self.uow, pairs))

    @cached_property
    def prices_by_customer(self) -> DataLoader[str, CustomerPriceList]:
        return DataLoader(lambda ids: pricing.price_lists_by_customer(self.uow, ids))

    @cached_property
    def reservation_by_id(self) -> DataLoader[str, Reservation | None]:
        return DataLoader(lambda ids: sales.reservations_by_id(self.uow, ids))

    @cached_property
    def customer_order_pages(
        self,
    ) -> DataLoader[tuple[sales.CustomerPagesAsked, str], list[SalesOrder]]:
        return DataLoader(lambda keys: sales.customer_order_pages(self.uow, keys))

    @cached_property
    def customer_order_counts(self) -> DataLoader[tuple[SalesOrderFilter, str], int]:
        return DataLoader(lambda keys: sales.customer_order_counts(self.uow, keys))

    @cached_property
    def sales_order_by_id(self) -> DataLoader[str, SalesOrder | None]:
        return DataLoader(lambda ids: sales.orders_by_id(self.uow, ids))

    @cached_property
    def invoice_of_sales_order(self) -> DataLoader[str, Invoice | None]:
        return DataLoader(lambda ids: invoice_sources.invoices_of_sales_orders(self.uow, ids))

    @cached_property
    def backorders_of_order(self) -> DataLoader[str, list[Backorder]]:
        return DataLoader(lambda ids: backorders.backorders_of_orders(self.uow, ids))


@dataclass
class RequestContext:
    """The caller and the tenant-bound ways to reach data.

    `principal` is None for an anonymous or rejected caller; `auth_problem` then says why,
    and the first protected field answers UNAUTHENTICATED with that reason.
    """

    principal: Principal | None
    units_of_work: UnitOfWorkFactoryFor
    hub: EventHub
    reading_units: UnitOfWorkFactoryFor | None = None
    """Units of work that open no transaction, for the DataLoaders' batches (see
    persistence.unit_of_work.UnitOfWork); without them the batches use `units_of_work`."""
    auth_problem: str | None = None
    request: Any = None
    response: Any = None
    connection_params: dict[str, Any] | None = None
    clock: Clock = field(default_factory=SystemClock)
    """Where "now" comes from for time-dependent use cases (SLA deadlines, event times)."""
    dashboards: DashboardSnapshots = field(default_factory=lambda: DashboardSnapshots(0.0))
    """The replica's shared operations-dashboard readings (see resolvers/dashboard/use_cases.py)."""
    read_plans: ReadPlanner | None = None
    """Answers planned queries from SQL (schema/planning); None runs every operation
    through Strawberry (websockets, `PLANNED_READS=false`)."""
    own_sides: frozenset[Acknowledger] = frozenset(Acknowledger)
    """The sides of seed 001's acknowledgements the gateway plays itself (settings
    `PEOPLE_SIDE`, `ORDER_SIDE`, `ACCOUNTING_SIDE`): it acknowledges for them at once."""

    def require(self, permission: str) -> Principal:
        if self.principal is None:
            raise Unauthenticated(
                self.auth_problem
                or "Sign in: send 'Authorization: Bearer <token>' with a valid token."
            )
        if not self.principal.may(permission):
            raise Forbidden(f"Your token lacks the permission '{permission}'.")
        return self.principal

    @cached_property
    def uow(self) -> UnitOfWorkFactory:
        """Units of work for the caller's tenant: the only way a resolver reaches data."""
        if self.principal is None:
            raise Unauthenticated(self.auth_problem or "Sign in first.")
        return self.units_of_work(self.principal.tenant_id)

    @cached_property
    def reading_uow(self) -> UnitOfWorkFactory:
        """`uow`'s units that open no transaction: what the DataLoaders read with."""
        if self.principal is None:
            raise Unauthenticated(self.auth_problem or "Sign in first.")
        return (self.reading_units or self.units_of_work)(self.principal.tenant_id)

    @cached_property
    def loaders(self) -> Loaders:
        return Loaders(self.reading_uow, self.clock)


Info = StrawberryInfo[RequestContext, None]
