"""Taking, fulfilling, shipping, delivering and cancelling sales orders (seed 004's
operations). `processOrder` answers a short order as a result (INSUFFICIENT_INVENTORY
with every unavailable item); every later move is an edit of the order read
(`version`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from domain.identity import Permission
from domain.sales.order import ShippingAddress
from resolvers.sales import fulfillment, orders
from schema.context import Info
from schema.permissions import requires
from schema.sales.backorders import BackorderPriority
from schema.sales.types import OrderProcessingResult, SalesOrder

WRITE = [requires(Permission.SALES_ORDER_WRITE)]


@strawberry.input
class OrderLineInput:
    product_id: strawberry.ID | None = strawberry.field(
        default=None, description="The part, by id or by sku (both, if they agree)."
    )
    sku: str | None = None
    location_id: strawberry.ID = strawberry.field(description="Where the stock comes from.")
    quantity: Decimal


@strawberry.input
class ShippingAddressInput:
    line1: str
    line2: str | None = None
    city: str
    region: str | None = None
    postal_code: str
    country: str


@strawberry.input(
    description="Backorder what stock cannot serve now instead of refusing the order."
)
class BackorderShortfallInput:
    priority: BackorderPriority  # type: ignore[valid-type]
    expected_fulfillment_date: date | None = strawberry.field(
        default=None, description="When the stock is expected: today or later."
    )


@strawberry.input
class ProcessOrderInput:
    customer_id: strawberry.ID
    lines: list[OrderLineInput]
    shipping_address: ShippingAddressInput
    backorder_shortfall: BackorderShortfallInput | None = strawberry.field(
        default=None,
        description="If given and a line is short: the order is taken for what stock serves "
        "and each unavailable item's shortfall is backordered (result.backorders); left out, "
        "a short order is INSUFFICIENT_INVENTORY with nothing reserved.",
    )


@strawberry.input
class ShipOrderInput:
    order_id: strawberry.ID
    version: int
    carrier: str
    tracking_number: str


@strawberry.type
class SalesOrderMutations:
    @strawberry.mutation(
        description="Take an order: every line reserved at the customer's price, or nothing "
        "(INSUFFICIENT_INVENTORY with every unavailable item), unless backorderShortfall "
        "asks for the shortfall to be backordered. Over the customer's credit is "
        "CREDIT_LIMIT_EXCEEDED.",
        permission_classes=WRITE,
    )
    async def process_order(self, info: Info, input: ProcessOrderInput) -> OrderProcessingResult:
        principal = info.context.require(Permission.SALES_ORDER_WRITE)
        address = input.shipping_address
        result = await orders.process_order(
            info.context.uow,
            info.context.clock,
            principal.user_id,
            input.customer_id,
            [
                orders.RequestedLine(
                    location_id=line.location_id,
                    quantity=line.quantity,
                    product_id=line.product_id,
                    sku=line.sku,
                )
                for line in input.lines
            ],
            ShippingAddress(
                line1=address.line1,
                line2=address.line2,
                city=address.city,
                region=address.region,
                postal_code=address.postal_code,
                country=address.country,
            ),
            None
            if input.backorder_shortfall is None
            else orders.ShortfallBackorder(
                input.backorder_shortfall.priority,
                input.backorder_shortfall.expected_fulfillment_date,
            ),
            alone=info.context.reading_uow,
        )
        return OrderProcessingResult.from_domain(result)

    @strawberry.mutation(
        description="Start picking an INVENTORY_ALLOCATED order: its reservations are "
        "consumed (CONSUMPTION movements).",
        permission_classes=WRITE,
    )
    async def start_order_fulfillment(
        self, info: Info, order_id: strawberry.ID, version: int
    ) -> SalesOrder:
        principal = info.context.require(Permission.SALES_ORDER_WRITE)
        return SalesOrder.from_domain(
            await fulfillment.start_order_fulfillment(
                info.context.uow, info.context.clock, principal.user_id, order_id, version
            )
        )

    @strawberry.mutation(
        description="Picked and packed: the order is fulfilled (SalesOrderFulfilledEvent, "
        "which accounts receivable invoices).",
        permission_classes=WRITE,
    )
    async def complete_fulfillment(
        self, info: Info, order_id: strawberry.ID, version: int
    ) -> SalesOrder:
        principal = info.context.require(Permission.SALES_ORDER_WRITE)
        return SalesOrder.from_domain(
            await fulfillment.complete_fulfillment(
                info.context.uow, info.context.clock, principal.user_id, order_id, version
            )
        )

    @strawberry.mutation(permission_classes=WRITE)
    async def ship_order(self, info: Info, input: ShipOrderInput) -> SalesOrder:
        principal = info.context.require(Permission.SALES_ORDER_WRITE)
        return SalesOrder.from_domain(
            await fulfillment.ship_order(
                info.context.uow,
                info.context.clock,
                principal.user_id,
                input.order_id,
                input.version,
                input.carrier,
                input.tracking_number,
            )
        )

    @strawberry.mutation(permission_classes=WRITE)
    async def deliver_order(self, info: Info, order_id: strawberry.ID, version: int) -> SalesOrder:
        principal = info.context.require(Permission.SALES_ORDER_WRITE)
        return SalesOrder.from_domain(
            await fulfillment.deliver_order(
                info.context.uow, info.context.clock, principal.user_id, order_id, version
            )
        )

    @strawberry.mutation(
        description="Cancel an order before fulfilment starts; its reservations are released. "
        "A shipped order is ORDER_ALREADY_SHIPPED.",
        permission_classes=WRITE,
    )
    async def cancel_order(
        self, info: Info, order_id: strawberry.ID, version: int, reason: str
    ) -> SalesOrder:
        principal = info.context.require(Permission.SALES_ORDER_WRITE)
        return SalesOrder.from_domain(
            await fulfillment.cancel_order(
                info.context.uow, info.context.clock, principal.user_id, order_id, version, reason
            )
        )
