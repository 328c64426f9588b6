"""Customer and Vehicle as clients see them (names mirror the CRM lookup DTOs)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, ClassVar

import strawberry

from domain import customers as domain
from domain.identity import Permission
from domain.receivables.search import InvoiceFilter
from domain.sales.opportunities import OpportunityFilter
from domain.work_parties import WorkParty
from resolvers.sales import opportunities as opportunity_use_cases
from schema.context import Info
from schema.inventory.customer_view_queries import VIEW_PERMISSIONS, inventory_view
from schema.inventory.customer_view_types import CustomerInventoryView
from schema.inventory.pricing_types import CustomerPriceList, CustomerTier
from schema.paging import Page, page_request
from schema.permissions import requires
from schema.sales.types import OrderStatus
from schema.work_lists import WorkLists

if TYPE_CHECKING:
    from schema.receivables.types import Invoice
    from schema.sales.opportunities import Opportunity
    from schema.sales.types import SalesOrder


@strawberry.type(description="A customer of the business (CRM party), as the CRM lookup returns.")
class Customer(WorkLists):
    customer_id: strawberry.ID
    party_id: str | None
    name: str
    email: str | None
    phone: str | None
    billing_terms_id: str | None
    tier: CustomerTier = strawberry.field(
        description="BRONZE until setCustomerTier; its discount applies where the customer "
        "has no specific price."
    )
    credit_limit: Decimal | None = strawberry.field(
        description="null: no limit (creditImpact always lets the order through)."
    )
    version: int = strawberry.field(description="Send back with an update to detect conflicts.")
    created_at: datetime | None
    updated_at: datetime | None

    @strawberry.field(
        description="Whether the customer is blocked: no new service order, estimate "
        "approval or sales order (CUSTOMER_BLOCKED) until unblocked."
    )
    async def blocked(self, info: Info) -> bool:
        standing = await info.context.loaders.credit_standing.load(self.customer_id)
        return standing is not None and standing.blocked

    @strawberry.field(description="Why the customer is blocked; null when not blocked.")
    async def blocked_reason(self, info: Info) -> str | None:
        standing = await info.context.loaders.credit_standing.load(self.customer_id)
        return None if standing is None else standing.block_reason

    @strawberry.field(description="When the customer was blocked; null when not blocked.")
    async def blocked_at(self, info: Info) -> datetime | None:
        standing = await info.context.loaders.credit_standing.load(self.customer_id)
        return None if standing is None else standing.blocked_at

    @strawberry.field(
        description="This customer's specific prices (the version updateCustomerPricing takes)."
    )
    async def prices(self, info: Info) -> CustomerPriceList:
        found = await info.context.loaders.prices_by_customer.load(self.customer_id)
        return CustomerPriceList.from_domain(found)

    @strawberry.field(
        description="What is in stock where, at this customer's prices (as "
        "customerInventoryView answers it).",
        permission_classes=VIEW_PERMISSIONS,
    )
    async def inventory_view(
        self,
        info: Info,
        location_id: strawberry.ID | None = None,
        search: str | None = None,
        page_index: int | None = 0,
        page_size: int | None = 20,
    ) -> CustomerInventoryView:
        return await inventory_view(
            info, self.customer_id, location_id, search, page_index, page_size
        )

    @strawberry.field(description="The vehicles this customer owns.")
    async def vehicles(
        self, info: Info
    ) -> list[Annotated[Vehicle, strawberry.lazy("schema.customers.types")]]:
        owned = await info.context.loaders.vehicles_by_customer.load(self.customer_id)
        return [Vehicle.from_domain(v) for v in owned]

    work_party: ClassVar[WorkParty] = WorkParty.CUSTOMER

    def work_party_id(self) -> str:
        return str(self.customer_id)

    @strawberry.field(description="This customer's sales orders, newest first (sales:order:read).")
    async def sales_orders(
        self,
        info: Info,
        status: OrderStatus | None = None,  # type: ignore[valid-type]
        page_index: int | None = 0,
        page_size: int | None = 20,
    ) -> Page[Annotated[SalesOrder, strawberry.lazy("schema.sales.types")]]:
        from schema.sales.queries import orders_page

        info.context.require(Permission.SALES_ORDER_READ)
        return await orders_page(info, self.customer_id, status, page_index, page_size)

    @strawberry.field(
        description="This customer's opportunities, newest first (sales:opportunity:read)."
    )
    async def opportunities(
        self, info: Info, page_index: int | None = 0, page_size: int | None = 20
    ) -> Page[Annotated[Opportunity, strawberry.lazy("schema.sales.opportunities")]]:
        from schema.sales.opportunities import Opportunity

        info.context.require(Permission.OPPORTUNITY_READ)
        page = await opportunity_use_cases.opportunities(
            info.context.uow,
            OpportunityFilter(customer_id=self.customer_id),
            page_request(page_index, page_size),
        )
        return Page.of(page, Opportunity.from_domain)

    @strawberry.field(
        description="This customer's invoices, newest first.",
        permission_classes=[requires(Permission.INVOICE_READ)],
    )
    async def invoices(
        self, info: Info, page_index: int | None = 0, page_size: int | None = 20
    ) -> Page[Annotated[Invoice, strawberry.lazy("schema.receivables.types")]]:
        from resolvers.receivables.invoices import invoices
        from schema.receivables.types import Invoice

        page = await invoices(
            info.context.uow,
            InvoiceFilter(customer_id=str(self.customer_id)),
            page_request(page_index, page_size),
        )
        return Page.of(page, Invoice.from_domain)

    @classmethod
    def from_domain(cls, c: domain.Customer) -> Customer:
        return cls(
            customer_id=strawberry.ID(c.id),
            party_id=c.party_id,
            name=c.name,
            email=c.email,
            phone=c.phone,
            billing_terms_id=c.billing_terms_id,
            tier=c.tier,
            credit_limit=c.credit_limit,
            version=c.version,
            created_at=c.created_at,
            updated_at=c.updated_at,
        )


@strawberry.type(description="A vehicle serviced by the business, owned by one customer.")
class Vehicle(WorkLists):
    vehicle_id: strawberry.ID
    vin: str = strawberry.field(description="17-character Vehicle Identification Number.")
    unit_number: str | None = strawberry.field(description="The owner's fleet/unit number.")
    description: str | None
    license_plate: str | None
    customer_id: strawberry.ID
    version: int
    created_at: datetime | None
    updated_at: datetime | None

    @strawberry.field(description="The customer who owns this vehicle.")
    async def customer(self, info: Info) -> Customer | None:
        owner = await info.context.loaders.customer_by_id.load(self.customer_id)
        return Customer.from_domain(owner) if owner else None

    work_party: ClassVar[WorkParty] = WorkParty.VEHICLE

    def work_party_id(self) -> str:
        return str(self.vehicle_id)

    @classmethod
    def from_domain(cls, v: domain.Vehicle) -> Vehicle:
        return cls(
            vehicle_id=strawberry.ID(v.id),
            vin=v.vin,
            unit_number=v.unit_number,
            description=v.description,
            license_plate=v.license_plate,
            customer_id=strawberry.ID(v.customer_id),
            version=v.version,
            created_at=v.created_at,
            updated_at=v.updated_at,
        )
