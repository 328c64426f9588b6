"""The objects the sales types' references lead to, as fields those types inherit.

A line names its part and location, a backorder its customer and order: each type keeps
its `...Id` fields and answers the object too, read through the request's DataLoaders
(so a list of fifty backorders reads their parts in one statement). Each object needs
the read permission of what it is, as the root queries do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from domain.identity import Permission
from schema.context import Info
from schema.inventory.types import Reservation
from schema.permissions import requires
from schema.references import (
    CustomerType,
    LocationType,
    PartType,
    customer_of,
    location_of,
    part_of,
)

if TYPE_CHECKING:
    from schema.sales.types import SalesOrder

SalesOrderType = Annotated["SalesOrder", strawberry.lazy("schema.sales.types")]


async def reservation_of(info: Info, reservation_id: Any) -> Reservation | None:
    if reservation_id is None:
        return None
    found = await info.context.loaders.reservation_by_id.load(str(reservation_id))
    return None if found is None else Reservation.from_domain(found)


@strawberry.type
class AtLocation:
    """`location` of a type with a `location_id`."""

    @strawberry.field(
        description="The location.", permission_classes=[requires(Permission.LOCATION_READ)]
    )
    async def location(self, info: Info) -> LocationType | None:
        return await location_of(info, str(self.location_id))  # type: ignore[attr-defined]


@strawberry.type
class PartAtLocation(AtLocation):
    """`part` and `location` of a type with a `product_id` and a `location_id`."""

    @strawberry.field(
        description="The catalog part.", permission_classes=[requires(Permission.CATALOG_READ)]
    )
    async def part(self, info: Info) -> PartType | None:
        return await part_of(info, str(self.product_id))  # type: ignore[attr-defined]


@strawberry.type
class OfCustomer:
    """`customer` of a type with a `customer_id`."""

    @strawberry.field(
        description="The customer.", permission_classes=[requires(Permission.CUSTOMER_READ)]
    )
    async def customer(self, info: Info) -> CustomerType | None:
        return await customer_of(info, str(self.customer_id))  # type: ignore[attr-defined]


@strawberry.type
class OfSalesOrder:
    """`order` of a type with an `order_id` (null when it names none)."""

    @strawberry.field(
        description="The sales order.", permission_classes=[requires(Permission.SALES_ORDER_READ)]
    )
    async def order(self, info: Info) -> SalesOrderType | None:
        from schema.sales.types import SalesOrder

        order_id = self.order_id  # type: ignore[attr-defined]
        if order_id is None:
            return None
        found = await info.context.loaders.sales_order_by_id.load(str(order_id))
        return None if found is None else SalesOrder.from_domain(found)
