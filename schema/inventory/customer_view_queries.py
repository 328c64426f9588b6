"""Seed 004's customer inventory view, at the root and on a customer."""

from __future__ import annotations

import strawberry

from domain.identity import Permission
from domain.inventory.customer_view import InventoryViewFilter
from resolvers.inventory.customer_view import customer_inventory_view
from schema.context import Info
from schema.inventory.customer_view_types import CustomerInventoryView
from schema.paging import page_request
from schema.permissions import requires

VIEW_PERMISSIONS = [requires(Permission.INVENTORY_READ), requires(Permission.CUSTOMER_READ)]
"""Stock figures and a customer's terms together: a reader needs to see both."""


async def inventory_view(
    info: Info,
    customer_id: str,
    location_id: str | None,
    search: str | None,
    page_index: int | None,
    page_size: int | None,
) -> CustomerInventoryView:
    """The one resolution of the view, for `customerInventoryView` and `Customer.inventoryView`."""
    found = await customer_inventory_view(
        info.context.reading_uow,
        info.context.clock,
        customer_id,
        InventoryViewFilter.of(location_id, search),
        page_request(page_index, page_size),
    )
    return CustomerInventoryView.from_domain(found)


@strawberry.type
class CustomerInventoryQueries:
    @strawberry.field(
        description="What is in stock where, at this customer's prices (seed 004), live; "
        "filtered by location and by text in the SKU, name or description.",
        permission_classes=VIEW_PERMISSIONS,
    )
    async def customer_inventory_view(
        self,
        info: Info,
        customer_id: strawberry.ID,
        location_id: strawberry.ID | None = None,
        search: str | None = None,
        page_index: int | None = 0,
        page_size: int | None = 20,
    ) -> CustomerInventoryView:
        return await inventory_view(info, customer_id, location_id, search, page_index, page_size)
