"""Sales orders, their lines, fulfilment and the answer of `processOrder` (seed 004's
`OrderProcessingResult`) as clients see them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from domain.identity import Permission
from domain.sales import order as domain
from domain.sales import status
from domain.sales.availability import UnavailableItem as DomainUnavailableItem
from resolvers.sales import orders
from schema.context import Info
from schema.inventory.types import Reservation
from schema.permissions import requires
from schema.sales.links import OfSalesOrder, PartAtLocation, reservation_of

if TYPE_CHECKING:
    from schema.customers.types import Customer
    from schema.receivables.types import Invoice
    from schema.sales.backorders import Backorder

OrderStatus = strawberry.enum(
    status.OrderStatus,
    description="PENDING -> INVENTORY_ALLOCATED -> FULFILLMENT_IN_PROGRESS -> SHIPPED -> "
    "DELIVERED; CANCELLED before fulfilment starts.",
)
FulfillmentStatus = strawberry.enum(
    status.FulfillmentStatus,
    description="IN_PROGRESS (stock consumed) -> COMPLETED (fulfilled, invoiced) -> SHIPPED "
    "-> DELIVERED.",
)
OrderProcessingStatus = strawberry.enum(
    orders.OrderProcessingStatus,
    description="SUCCESS: the order was taken; INSUFFICIENT_INVENTORY: nothing was reserved.",
)


@strawberry.type
class ShippingAddress:
    line1: str
    line2: str | None
    city: str
    region: str | None
    postal_code: str
    country: str

    @classmethod
    def from_domain(cls, a: domain.ShippingAddress) -> ShippingAddress:
        return cls(
            line1=a.line1,
            line2=a.line2,
            city=a.city,
            region=a.region,
            postal_code=a.postal_code,
            country=a.country,
        )


@strawberry.type(description="A part ordered from a location, at the customer's price.")
class SalesOrderLine(PartAtLocation):
    line_number: int
    product_id: strawberry.ID
    sku: str
    location_id: strawberry.ID
    quantity: Decimal
    unit_price: Decimal = strawberry.field(description="The customer's effective price.")
    line_total: Decimal
    reservation_id: strawberry.ID

    @strawberry.field(
        description="The reservation holding (or that held) this line's stock: ACTIVE until "
        "fulfilment consumes it or a cancellation releases it."
    )
    async def reservation(self, info: Info) -> Reservation | None:
        return await reservation_of(info, self.reservation_id)

    @classmethod
    def from_domain(cls, line: domain.OrderLine) -> SalesOrderLine:
        return cls(
            line_number=line.line_number,
            product_id=strawberry.ID(line.product_id),
            sku=line.sku,
            location_id=strawberry.ID(line.location_id),
            quantity=line.quantity,
            unit_price=line.unit_price,
            line_total=line.line_total,
            reservation_id=strawberry.ID(line.reservation_id),
        )


@strawberry.type(description="An order's picking, packing and shipping (fulfillmentTracking).")
class Fulfillment(OfSalesOrder):
    fulfillment_id: strawberry.ID
    order_id: strawberry.ID
    status: FulfillmentStatus  # type: ignore[valid-type]
    started_by: str
    started_at: datetime
    completed_at: datetime | None
    carrier: str | None
    tracking_number: str | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    last_updated: datetime | None
    items: list[SalesOrderLine]

    @classmethod
    def of(cls, order: domain.SalesOrder) -> Fulfillment | None:
        f = order.fulfillment
        if f is None:
            return None
        return cls(
            fulfillment_id=strawberry.ID(f.id),
            order_id=strawberry.ID(order.id),
            status=f.status,
            started_by=f.started_by,
            started_at=f.started_at,
            completed_at=f.completed_at,
            carrier=f.carrier,
            tracking_number=f.tracking_number,
            shipped_at=f.shipped_at,
            delivered_at=f.delivered_at,
            last_updated=order.updated_at,
            items=[SalesOrderLine.from_domain(line) for line in order.lines],
        )


@strawberry.type(description="A customer's order of parts from stock.")
class SalesOrder:
    order_id: strawberry.ID
    customer_id: strawberry.ID
    status: OrderStatus  # type: ignore[valid-type]
    lines: list[SalesOrderLine]
    shipping_address: ShippingAddress
    total_amount: Decimal
    currency: str
    ordered_by: str
    ordered_at: datetime
    reserved_until: datetime = strawberry.field(
        description="When the lines' reservations expire if fulfilment has not started."
    )
    fulfillment: Fulfillment | None
    cancel_reason: str | None
    cancelled_by: str | None
    cancelled_at: datetime | None
    version: int = strawberry.field(description="Send back with every change of the order.")
    created_at: datetime | None
    updated_at: datetime | None

    @strawberry.field(description="The backorders recorded for this order, newest first.")
    async def backorders(
        self, info: Info
    ) -> list[Annotated[Backorder, strawberry.lazy("schema.sales.backorders")]]:
        from schema.sales.backorders import Backorder

        found = await info.context.loaders.backorders_of_order.load(self.order_id)
        return [Backorder.from_domain(b) for b in found]

    @strawberry.field
    async def customer(
        self, info: Info
    ) -> Annotated[Customer, strawberry.lazy("schema.customers.types")] | None:
        from schema.customers.types import Customer

        found = await info.context.loaders.customer_by_id.load(self.customer_id)
        return None if found is None else Customer.from_domain(found)

    @strawberry.field(
        description="The invoice accounts receivable posted when the order was fulfilled "
        "(from its SalesOrderFulfilledEvent); null until then.",
        permission_classes=[requires(Permission.INVOICE_READ)],
    )
    async def invoice(
        self, info: Info
    ) -> Annotated[Invoice, strawberry.lazy("schema.receivables.types")] | None:
        from schema.receivables.types import Invoice

        found = await info.context.loaders.invoice_of_sales_order.load(str(self.order_id))
        return None if found is None else Invoice.from_domain(found)

    @classmethod
    def from_domain(cls, o: domain.SalesOrder) -> SalesOrder:
        return cls(
            order_id=strawberry.ID(o.id),
            customer_id=strawberry.ID(o.customer_id),
            status=o.status,
            lines=[SalesOrderLine.from_domain(line) for line in o.lines],
            shipping_address=ShippingAddress.from_domain(o.shipping_address),
            total_amount=o.total_amount,
            currency=o.currency,
            ordered_by=o.ordered_by,
            ordered_at=o.ordered_at,
            reserved_until=o.reserved_until,
            fulfillment=Fulfillment.of(o),
            cancel_reason=o.cancel_reason,
            cancelled_by=o.cancelled_by,
            cancelled_at=o.cancelled_at,
            version=o.version,
            created_at=o.created_at,
            updated_at=o.updated_at,
        )


@strawberry.type(description="A stock item the order needs more of than is available.")
class UnavailableItem(PartAtLocation):
    sku: str
    product_id: strawberry.ID
    location_id: strawberry.ID
    required: Decimal
    available: Decimal
    shortfall: Decimal

    @classmethod
    def from_domain(cls, u: DomainUnavailableItem) -> UnavailableItem:
        return cls(
            sku=u.sku,
            product_id=strawberry.ID(u.product_id),
            location_id=strawberry.ID(u.location_id),
            required=u.required,
            available=u.available,
            shortfall=u.shortfall,
        )


@strawberry.type(description="Seed 004's OrderProcessingResult.")
class OrderProcessingResult:
    order_id: strawberry.ID | None = strawberry.field(
        description="null unless SUCCESS (an order was taken)."
    )
    status: OrderProcessingStatus  # type: ignore[valid-type]
    message: str
    unavailable_items: list[UnavailableItem] = strawberry.field(
        description="Every stock item short, with what is required and available there."
    )
    order: SalesOrder | None
    backorders: list[Annotated[Backorder, strawberry.lazy("schema.sales.backorders")]] = (
        strawberry.field(
            description="The backorders of the shortfall, when backorderShortfall asked for them."
        )
    )

    @classmethod
    def from_domain(cls, result: orders.OrderProcessing) -> OrderProcessingResult:
        from schema.sales.backorders import Backorder

        placed = result.order
        return cls(
            order_id=None if placed is None else strawberry.ID(placed.id),
            status=result.status,
            message=result.message,
            unavailable_items=[UnavailableItem.from_domain(u) for u in result.unavailable_items],
            order=None if placed is None else SalesOrder.from_domain(placed),
            backorders=[Backorder.from_domain(b) for b in result.backorders],
        )
