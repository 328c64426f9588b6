"""Backorders as clients see and change them: created for a shortfall, filled by
priority then age when stock arrives, or by hand with `processBackorders`."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry

from domain.identity import Permission
from domain.sales import backorder_report as reporting
from domain.sales import backorders as domain
from resolvers.sales import backorders
from resolvers.sales.backorders import BackorderProcessing
from schema.context import Info
from schema.inventory.types import Reservation
from schema.paging import Page, page_request
from schema.permissions import requires
from schema.sales.links import OfCustomer, OfSalesOrder, PartAtLocation, reservation_of

BackorderPriority = strawberry.enum(
    domain.BackorderPriority, description="Filled URGENT first, then HIGH, MEDIUM, LOW."
)
BackorderStatus = strawberry.enum(
    domain.BackorderStatus, description="PENDING until stock is reserved for it: FULFILLED."
)


@strawberry.type(description="Demand for a part at a location that stock could not meet yet.")
class Backorder(PartAtLocation, OfCustomer, OfSalesOrder):
    backorder_id: strawberry.ID
    customer_id: strawberry.ID
    order_id: strawberry.ID | None
    product_id: strawberry.ID
    sku: str
    location_id: strawberry.ID
    quantity: Decimal
    unit_price: Decimal = strawberry.field(
        description="The customer's price of the part when the backorder was recorded."
    )
    value: Decimal
    priority: BackorderPriority  # type: ignore[valid-type]
    status: BackorderStatus  # type: ignore[valid-type]
    expected_fulfillment_date: date | None
    requested_by: str
    requested_at: datetime
    reservation_id: strawberry.ID | None = strawberry.field(
        description="The reservation holding its stock once FULFILLED."
    )
    fulfilled_at: datetime | None

    @strawberry.field(description="The reservation holding its stock once FULFILLED.")
    async def reservation(self, info: Info) -> Reservation | None:
        return await reservation_of(info, self.reservation_id)

    @classmethod
    def from_domain(cls, b: domain.Backorder) -> Backorder:
        return cls(
            backorder_id=strawberry.ID(b.id),
            customer_id=strawberry.ID(b.customer_id),
            order_id=None if b.order_id is None else strawberry.ID(b.order_id),
            product_id=strawberry.ID(b.product_id),
            sku=b.sku,
            location_id=strawberry.ID(b.location_id),
            quantity=b.quantity,
            unit_price=b.unit_price,
            value=b.value,
            priority=b.priority,
            status=b.status,
            expected_fulfillment_date=b.expected_fulfillment_date,
            requested_by=b.requested_by,
            requested_at=b.requested_at,
            reservation_id=None if b.reservation_id is None else strawberry.ID(b.reservation_id),
            fulfilled_at=b.fulfilled_at,
        )


@strawberry.type(description="Seed 004's BackorderProcessingResult.")
class BackorderProcessingResult:
    processed_count: int
    fulfilled_count: int
    still_pending_count: int
    fulfilled_backorders: list[Backorder]
    still_pending_backorders: list[Backorder]

    @classmethod
    def from_domain(cls, result: BackorderProcessing) -> BackorderProcessingResult:
        fulfilled, waiting = len(result.fulfilled), len(result.still_pending)
        return cls(
            processed_count=fulfilled + waiting,
            fulfilled_count=fulfilled,
            still_pending_count=waiting,
            fulfilled_backorders=[Backorder.from_domain(b) for b in result.fulfilled],
            still_pending_backorders=[Backorder.from_domain(b) for b in result.still_pending],
        )


@strawberry.type
class BackordersOfPriority:
    priority: BackorderPriority  # type: ignore[valid-type]
    count: int
    value: Decimal


@strawberry.type
class BackordersOfStatus:
    status: BackorderStatus  # type: ignore[valid-type]
    count: int
    value: Decimal


@strawberry.type(description="Seed 004's BackorderReport.")
class BackorderReport:
    total_backorders: int
    total_value: Decimal
    backorders_by_priority: list[BackordersOfPriority] = strawberry.field(
        description="URGENT first; every priority, zero included."
    )
    backorders_by_status: list[BackordersOfStatus]
    average_fulfillment_time: Decimal | None = strawberry.field(
        description="Hours from request to fill, averaged over the FULFILLED ones (null "
        "until one is filled)."
    )

    @classmethod
    def from_domain(cls, report: reporting.BackorderReport) -> BackorderReport:
        return cls(
            total_backorders=report.total_backorders,
            total_value=report.total_value,
            backorders_by_priority=[
                BackordersOfPriority(priority=p, count=t.count, value=t.value)
                for p, t in report.by_priority.items()
            ],
            backorders_by_status=[
                BackordersOfStatus(status=s, count=t.count, value=t.value)
                for s, t in report.by_status.items()
            ],
            average_fulfillment_time=report.average_fulfillment_hours,
        )


@strawberry.input
class CreateBackorderInput:
    customer_id: strawberry.ID
    order_id: strawberry.ID | None = None
    product_id: strawberry.ID | None = strawberry.field(
        default=None, description="The part, by id or by sku (both, if they agree)."
    )
    sku: str | None = None
    location_id: strawberry.ID
    quantity: Decimal
    priority: BackorderPriority  # type: ignore[valid-type]
    expected_fulfillment_date: date | None = None


@strawberry.type
class BackorderMutations:
    @strawberry.mutation(
        description="Record a shortfall; it is filled (reserved) when stock of its part "
        "arrives at its location: a receipt, a transfer in, a release.",
        permission_classes=[requires(Permission.SALES_ORDER_WRITE)],
    )
    async def create_backorder(self, info: Info, input: CreateBackorderInput) -> Backorder:
        principal = info.context.require(Permission.SALES_ORDER_WRITE)
        created = await backorders.create_backorder(
            info.context.uow,
            info.context.clock,
            principal.user_id,
            input.customer_id,
            input.product_id,
            input.sku,
            input.location_id,
            input.quantity,
            input.priority,
            input.expected_fulfillment_date,
            input.order_id,
        )
        return Backorder.from_domain(created)

    @strawberry.mutation(
        description="Fill pending backorders (of a SKU and/or location, or all) from the "
        "stock available now, by priority then age.",
        permission_classes=[requires(Permission.SALES_ORDER_WRITE)],
    )
    async def process_backorders(
        self, info: Info, sku: str | None = None, location_id: strawberry.ID | None = None
    ) -> BackorderProcessingResult:
        principal = info.context.require(Permission.SALES_ORDER_WRITE)
        result = await backorders.process_backorders(
            info.context.uow, info.context.clock, principal.user_id, sku, location_id
        )
        return BackorderProcessingResult.from_domain(result)


@strawberry.type
class BackorderQueries:
    @strawberry.field(
        description="Newest first.", permission_classes=[requires(Permission.SALES_ORDER_READ)]
    )
    async def backorders(
        self,
        info: Info,
        customer_id: strawberry.ID | None = None,
        location_id: strawberry.ID | None = None,
        status: BackorderStatus | None = None,  # type: ignore[valid-type]
        page_index: int | None = 0,
        page_size: int | None = 20,
    ) -> Page[Backorder]:
        page = await backorders.backorders(
            info.context.uow,
            domain.BackorderFilter(customer_id=customer_id, location_id=location_id, status=status),
            page_request(page_index, page_size),
        )
        return Page.of(page, Backorder.from_domain)

    @strawberry.field(
        description="Backorders counted and valued by priority and status, and the average "
        "time to fill them.",
        permission_classes=[requires(Permission.SALES_ORDER_READ)],
    )
    async def backorder_report(self, info: Info) -> BackorderReport:
        return BackorderReport.from_domain(await backorders.backorder_report_of(info.context.uow))
