"""Reading sales orders and their fulfilment."""

from __future__ import annotations

import strawberry

from domain.identity import Permission
from domain.sales.order import SalesOrderFilter
from resolvers.sales import fulfillment, queries
from schema.context import Info
from schema.paging import Page, page_request
from schema.permissions import requires
from schema.sales.types import Fulfillment, OrderStatus, SalesOrder

READ = [requires(Permission.SALES_ORDER_READ)]


async def orders_page(
    info: Info,
    customer_id: str | None,
    status: OrderStatus | None,  # type: ignore[valid-type]
    page_index: int | None,
    page_size: int | None,
) -> Page[SalesOrder]:
    page = await queries.sales_orders(
        info.context.uow,
        SalesOrderFilter(customer_id=customer_id, status=status),
        page_request(page_index, page_size),
    )
    return Page.of(page, SalesOrder.from_domain)


@strawberry.type
class SalesOrderQueries:
    @strawberry.field(permission_classes=READ)
    async def sales_order(self, info: Info, order_id: strawberry.ID) -> SalesOrder:
        return SalesOrder.from_domain(await queries.sales_order(info.context.uow, order_id))

    @strawberry.field(description="Newest first.", permission_classes=READ)
    async def sales_orders(
        self,
        info: Info,
        customer_id: strawberry.ID | None = None,
        status: OrderStatus | None = None,  # type: ignore[valid-type]
        page_index: int | None = 0,
        page_size: int | None = 20,
    ) -> Page[SalesOrder]:
        return await orders_page(info, customer_id, status, page_index, page_size)

    @strawberry.field(
        description="Where an order's fulfilment is: status, carrier, tracking number, times.",
        permission_classes=READ,
    )
    async def fulfillment_tracking(self, info: Info, fulfillment_id: strawberry.ID) -> Fulfillment:
        order = await fulfillment.fulfillment_tracking(info.context.uow, fulfillment_id)
        tracked = Fulfillment.of(order)
        assert tracked is not None, "fulfillment_tracking answers orders with a fulfilment"
        return tracked
