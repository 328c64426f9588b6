"""Looking service orders up: one by number, pages filtered for a dispatch board, SLA policies."""

from __future__ import annotations

import strawberry

from domain.identity import Permission
from domain.service_orders.search import OrderFilter
from resolvers.service_orders import lifecycle as use_cases
from resolvers.sla import policies as sla_policies
from schema.context import Info
from schema.paging import Page, page_request
from schema.permissions import requires
from schema.service_orders.types import Priority, ServiceOrder, ServiceOrderStatus, SlaPolicy


@strawberry.type
class ServiceOrderQueries:
    @strawberry.field(
        description="One service order by its number; SERVICE_ORDER_NOT_FOUND if your tenant "
        "has none.",
        permission_classes=[requires(Permission.SERVICE_ORDER_READ)],
    )
    async def service_order(self, info: Info, id: strawberry.ID) -> ServiceOrder:
        return ServiceOrder.from_domain(await use_cases.service_order(info.context.uow, id))

    @strawberry.field(
        description="Service orders, newest first, narrowed by location, statuses, priorities "
        "and customer (each optional).",
        permission_classes=[requires(Permission.SERVICE_ORDER_READ)],
    )
    async def service_orders(
        self,
        info: Info,
        location_id: strawberry.ID | None = None,
        status: list[ServiceOrderStatus] | None = None,
        priority: list[Priority] | None = None,
        customer_id: strawberry.ID | None = None,
        page_index: int | None = 0,
        page_size: int | None = 20,
    ) -> Page[ServiceOrder]:
        where = OrderFilter(
            location_id=location_id,
            statuses=tuple(status or ()),
            priorities=tuple(priority or ()),
            customer_id=customer_id,
        )
        page = await use_cases.service_orders(
            info.context.uow, where, page_request(page_index, page_size)
        )
        return Page.of(page, ServiceOrder.listed)

    @strawberry.field(
        description="The SLA of every priority: your own where you set one, else the default.",
        permission_classes=[requires(Permission.SERVICE_ORDER_READ)],
    )
    async def sla_policies(self, info: Info) -> list[SlaPolicy]:
        policies = await sla_policies.sla_policies(info.context.uow)
        return [SlaPolicy.from_domain(priority, p) for priority, p in policies.items()]
