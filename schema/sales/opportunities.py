"""Opportunities as clients see and change them (seed 004, 1.2)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry

from domain.identity import Permission
from domain.sales import opportunities as domain
from domain.sales import opportunity_report as reporting
from domain.sales.order import ShippingAddress
from resolvers.sales import opportunities
from resolvers.sales.orders import RequestedLine
from schema.context import Info
from schema.inventory.types import Reservation
from schema.paging import Page, page_request
from schema.permissions import requires
from schema.sales.links import (
    AtLocation,
    OfCustomer,
    OfSalesOrder,
    PartAtLocation,
    reservation_of,
)
from schema.sales.mutations import OrderLineInput, ShippingAddressInput
from schema.sales.types import SalesOrder

OpportunityStage = strawberry.enum(
    domain.OpportunityStage,
    description="LEAD -> QUALIFIED -> PROPOSAL -> NEGOTIATION -> CLOSED_WON or CLOSED_LOST.",
)
READ = [requires(Permission.OPPORTUNITY_READ)]
WRITE = [requires(Permission.OPPORTUNITY_WRITE)]


@strawberry.type(description="A part the opportunity would sell, at the customer's price.")
class OpportunityItem(PartAtLocation):
    line_number: int
    product_id: strawberry.ID
    sku: str
    location_id: strawberry.ID
    quantity: Decimal
    unit_price: Decimal
    value: Decimal
    reservation_id: strawberry.ID | None = strawberry.field(
        description="The reservation holding it while the opportunity is allocated."
    )

    @strawberry.field
    async def reservation(self, info: Info) -> Reservation | None:
        return await reservation_of(info, self.reservation_id)

    @classmethod
    def from_domain(cls, i: domain.OpportunityItem) -> OpportunityItem:
        return cls(
            line_number=i.line_number,
            product_id=strawberry.ID(i.product_id),
            sku=i.sku,
            location_id=strawberry.ID(i.location_id),
            quantity=i.quantity,
            unit_price=i.unit_price,
            value=i.value,
            reservation_id=None if i.reservation_id is None else strawberry.ID(i.reservation_id),
        )


@strawberry.type(description="A customer's likely order, which may hold stock before it closes.")
class Opportunity(OfCustomer, OfSalesOrder):
    opportunity_id: strawberry.ID
    customer_id: strawberry.ID
    sales_rep_id: str
    stage: OpportunityStage  # type: ignore[valid-type]
    probability: Decimal
    expected_close_date: date
    items: list[OpportunityItem]
    allocated: bool
    allocated_value: Decimal
    order_id: strawberry.ID | None = strawberry.field(
        description="The sales order a CLOSED_WON opportunity became."
    )
    version: int
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_domain(cls, o: domain.Opportunity) -> Opportunity:
        return cls(
            opportunity_id=strawberry.ID(o.id),
            customer_id=strawberry.ID(o.customer_id),
            sales_rep_id=o.sales_rep_id,
            stage=o.stage,
            probability=o.probability,
            expected_close_date=o.expected_close_date,
            items=[OpportunityItem.from_domain(i) for i in o.items],
            allocated=o.allocated,
            allocated_value=o.allocated_value,
            order_id=None if o.order_id is None else strawberry.ID(o.order_id),
            version=o.version,
            created_at=o.created_at,
            updated_at=o.updated_at,
        )


@strawberry.type(description="A stage change, and the order a won opportunity became.")
class OpportunityStageChange:
    opportunity: Opportunity
    order: SalesOrder | None


@strawberry.type
class OpportunitiesOfStage:
    stage: OpportunityStage  # type: ignore[valid-type]
    count: int
    allocated_value: Decimal


@strawberry.type
class SkuAllocation(AtLocation):
    sku: str
    location_id: strawberry.ID
    quantity: Decimal
    value: Decimal


@strawberry.type(description="Seed 004's OpportunityInventoryReport, over open opportunities.")
class OpportunityInventoryReport:
    total_opportunities: int
    total_allocated_value: Decimal
    opportunities_by_stage: list[OpportunitiesOfStage]
    inventory_allocation_by_sku: list[SkuAllocation]

    @classmethod
    def from_domain(cls, r: reporting.OpportunityReport) -> OpportunityInventoryReport:
        return cls(
            total_opportunities=r.total_opportunities,
            total_allocated_value=r.total_allocated_value,
            opportunities_by_stage=[
                OpportunitiesOfStage(stage=s, count=t.count, allocated_value=t.allocated_value)
                for s, t in r.by_stage.items()
            ],
            inventory_allocation_by_sku=[
                SkuAllocation(
                    sku=a.sku,
                    location_id=strawberry.ID(a.location_id),
                    quantity=a.quantity,
                    value=a.value,
                )
                for a in r.allocation_by_sku
            ],
        )


@strawberry.input
class CreateOpportunityInput:
    customer_id: strawberry.ID
    sales_rep_id: str
    stage: OpportunityStage = domain.OpportunityStage.LEAD  # type: ignore[valid-type]
    probability: Decimal
    expected_close_date: date
    items: list[OrderLineInput]


@strawberry.input
class UpdateOpportunityStageInput:
    opportunity_id: strawberry.ID
    version: int
    stage: OpportunityStage  # type: ignore[valid-type]
    probability: Decimal | None = None
    shipping_address: ShippingAddressInput | None = strawberry.field(
        default=None, description="Required for CLOSED_WON: the order's."
    )


@strawberry.type
class OpportunityMutations:
    @strawberry.mutation(permission_classes=WRITE)
    async def create_opportunity(self, info: Info, input: CreateOpportunityInput) -> Opportunity:
        info.context.require(Permission.OPPORTUNITY_WRITE)
        created = await opportunities.create_opportunity(
            info.context.uow,
            info.context.clock,
            input.customer_id,
            input.sales_rep_id,
            input.stage,
            input.probability,
            input.expected_close_date,
            [
                RequestedLine(
                    location_id=i.location_id,
                    quantity=i.quantity,
                    product_id=i.product_id,
                    sku=i.sku,
                )
                for i in input.items
            ],
        )
        return Opportunity.from_domain(created)

    @strawberry.mutation(
        description="Move an open opportunity: CLOSED_LOST releases its stock, CLOSED_WON "
        "becomes a sales order holding its reservations (credit checked).",
        permission_classes=WRITE,
    )
    async def update_opportunity_stage(
        self, info: Info, input: UpdateOpportunityStageInput
    ) -> OpportunityStageChange:
        principal = info.context.require(Permission.OPPORTUNITY_WRITE)
        address = input.shipping_address
        moved, order = await opportunities.update_opportunity_stage(
            info.context.uow,
            info.context.clock,
            principal.user_id,
            input.opportunity_id,
            input.version,
            input.stage,
            input.probability,
            None
            if address is None
            else ShippingAddress(
                line1=address.line1,
                line2=address.line2,
                city=address.city,
                region=address.region,
                postal_code=address.postal_code,
                country=address.country,
            ),
        )
        return OpportunityStageChange(
            opportunity=Opportunity.from_domain(moved),
            order=None if order is None else SalesOrder.from_domain(order),
        )

    @strawberry.mutation(
        description="Hold every item's stock until the end of the expected close date "
        "(OPPORTUNITY_LOST, LOW_PROBABILITY_OPPORTUNITY below 0.3, INSUFFICIENT_STOCK).",
        permission_classes=WRITE,
    )
    async def allocate_inventory_for_opportunity(
        self, info: Info, opportunity_id: strawberry.ID, version: int
    ) -> Opportunity:
        principal = info.context.require(Permission.OPPORTUNITY_WRITE)
        return Opportunity.from_domain(
            await opportunities.allocate_inventory_for_opportunity(
                info.context.uow, info.context.clock, principal.user_id, opportunity_id, version
            )
        )

    @strawberry.mutation(permission_classes=WRITE)
    async def release_inventory_for_opportunity(
        self, info: Info, opportunity_id: strawberry.ID, version: int
    ) -> Opportunity:
        principal = info.context.require(Permission.OPPORTUNITY_WRITE)
        return Opportunity.from_domain(
            await opportunities.release_inventory_for_opportunity(
                info.context.uow, info.context.clock, principal.user_id, opportunity_id, version
            )
        )


@strawberry.type
class OpportunityQueries:
    @strawberry.field(description="Newest first.", permission_classes=READ)
    async def opportunities(
        self,
        info: Info,
        customer_id: strawberry.ID | None = None,
        stage: OpportunityStage | None = None,  # type: ignore[valid-type]
        page_index: int | None = 0,
        page_size: int | None = 20,
    ) -> Page[Opportunity]:
        page = await opportunities.opportunities(
            info.context.uow,
            domain.OpportunityFilter(customer_id=customer_id, stage=stage),
            page_request(page_index, page_size),
        )
        return Page.of(page, Opportunity.from_domain)

    @strawberry.field(permission_classes=READ)
    async def opportunity_inventory_report(self, info: Info) -> OpportunityInventoryReport:
        report = await opportunities.opportunity_inventory_report(info.context.uow)
        return OpportunityInventoryReport.from_domain(report)
