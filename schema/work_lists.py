"""The work of a customer, a vehicle or a location, as connections.

`Customer.estimates`, `Vehicle.serviceOrders`, `Location.estimates`... are one list each
of the work naming that party, newest first, through the request's DataLoaders: a page
of 50 customers each with its first 5 estimates costs the same few statements as one
customer (the page's estimates ranked per customer in one statement, their lines in
another), and `totalCount` one more, only when selected. Each list needs the read
permission of what it lists, as the root queries do.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, ClassVar

import strawberry

from domain.estimates import status as estimate_states
from domain.estimates.search import EstimateFilter
from domain.identity import Permission
from domain.paging import Page
from domain.service_orders.search import OrderFilter
from domain.service_orders.status import Priority, ServiceOrderStatus
from domain.work_parties import WorkParty
from schema.connections import connection_request
from schema.context import Info
from schema.dashboard.types import ServiceOrderStatus as OrderStatusType
from schema.permissions import requires
from schema.sla.types import Priority as PriorityType

if TYPE_CHECKING:
    from schema.estimates.types import EstimateConnection, EstimateStatus
    from schema.service_orders.types import ServiceOrderConnection

# Customer, Vehicle and Location are among the types estimates and orders link to, so
# these lists name the estimate and order types lazily (the domain's EstimateStatus is
# imported as a module: by its own name, the lazy name would resolve to it).
EstimateConnectionType = Annotated["EstimateConnection", strawberry.lazy("schema.estimates.types")]
EstimateStatusType = Annotated["EstimateStatus", strawberry.lazy("schema.estimates.types")]
OrderConnectionType = Annotated[
    "ServiceOrderConnection", strawberry.lazy("schema.service_orders.types")
]
ESTIMATES = (
    "Its estimate revisions, newest first, narrowed by status (as seen now) and creation "
    "(`since` inclusive, `until` exclusive)."
)
ORDERS = "Its service orders, newest first, narrowed by status and priority."


async def estimates_of(
    info: Info,
    party: WorkParty,
    party_id: str,
    first: int | None,
    after: str | None,
    status: list[estimate_states.EstimateStatus] | None,
    since: datetime | None,
    until: datetime | None,
) -> EstimateConnection:
    from schema.estimates.types import Estimate, EstimateConnection

    request = connection_request(first, after)
    where = EstimateFilter(statuses=tuple(status or ()), since=since, until=until)
    loaders = info.context.loaders
    rows = await loaders.estimate_pages.load(((party, where, request), party_id))

    async def count_total() -> int:
        return await loaders.estimate_counts.load(((party, where), party_id))

    page = Page.from_overfetch(rows, request, count_total)
    return EstimateConnection.of(page, Estimate.from_domain)


async def service_orders_of(
    info: Info,
    party: WorkParty,
    party_id: str,
    first: int | None,
    after: str | None,
    status: list[ServiceOrderStatus] | None,
    priority: list[Priority] | None,
) -> ServiceOrderConnection:
    from schema.service_orders.types import ServiceOrder, ServiceOrderConnection

    request = connection_request(first, after)
    where = OrderFilter(statuses=tuple(status or ()), priorities=tuple(priority or ()))
    loaders = info.context.loaders
    rows = await loaders.order_pages.load(((party, where, request), party_id))

    async def count_total() -> int:
        return await loaders.order_counts.load(((party, where), party_id))

    page = Page.from_overfetch(rows, request, count_total)
    return ServiceOrderConnection.of(page, ServiceOrder.listed)


@strawberry.type
class WorkLists:
    """`estimates` and `serviceOrders` of a party: Customer, Vehicle and Location derive
    from it, naming their kind of party and their id."""

    work_party: ClassVar[WorkParty]

    def work_party_id(self) -> str:
        raise NotImplementedError

    @strawberry.field(
        description=ESTIMATES, permission_classes=[requires(Permission.ESTIMATE_READ)]
    )
    async def estimates(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        status: list[EstimateStatusType] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> EstimateConnectionType:
        return await estimates_of(
            info, self.work_party, self.work_party_id(), first, after, status, since, until
        )

    @strawberry.field(
        description=ORDERS, permission_classes=[requires(Permission.SERVICE_ORDER_READ)]
    )
    async def service_orders(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        status: list[OrderStatusType] | None = None,
        priority: list[PriorityType] | None = None,
    ) -> OrderConnectionType:
        return await service_orders_of(
            info, self.work_party, self.work_party_id(), first, after, status, priority
        )
