"""Seed 004's `CustomerInventoryView` and `CustomerInventoryItem` as clients see them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal

import strawberry

from domain.inventory import customer_view
from schema.inventory.pricing_types import CustomerTier, PriceSource


@strawberry.type(description="A part at one location, at one customer's price (seed 004).")
class CustomerInventoryItem:
    product_id: strawberry.ID
    sku: str
    description: str = strawberry.field(description="The part's description, else its name.")
    available_quantity: Decimal = strawberry.field(description="On hand less reserved.")
    reserved_quantity: Decimal
    unit_price: Decimal = strawberry.field(description="The list price (Part.unitPrice).")
    customer_price: Decimal = strawberry.field(
        description="What the part costs this customer (as customerPrice answers it)."
    )
    discount_percentage: Decimal = strawberry.field(
        description="The discount off the list price the customer price amounts to."
    )
    price_source: PriceSource
    lead_time: int = strawberry.field(
        description="Days this location waits for more once what is available is gone "
        "(setReorderPoint's leadTimeDays; 0 if never set)."
    )
    location: strawberry.ID = strawberry.field(description="The location's id.")

    @classmethod
    def from_domain(cls, i: customer_view.CustomerInventoryItem) -> CustomerInventoryItem:
        return cls(
            product_id=strawberry.ID(i.product_id),
            sku=i.sku,
            description=i.description,
            available_quantity=i.available_quantity,
            reserved_quantity=i.reserved_quantity,
            unit_price=i.unit_price,
            customer_price=i.customer_price,
            discount_percentage=i.discount_percentage,
            price_source=i.price_source,
            lead_time=i.lead_time_days,
            location=strawberry.ID(i.location_id),
        )


@strawberry.type(
    description="What is in stock where, at one customer's prices (seed 004): one page of "
    "inventoryItems in SKU then location order, read live."
)
class CustomerInventoryView:
    customer_id: strawberry.ID
    customer_name: str
    customer_tier: CustomerTier
    tenant_id: str
    inventory_items: list[CustomerInventoryItem] = strawberry.field(
        description="This page's items (pageIndex, pageSize)."
    )
    page_index: int
    page_size: int
    has_next_page: bool
    last_updated: datetime = strawberry.field(
        description="When these figures were read: every request reads them afresh."
    )
    count_total: strawberry.Private[Callable[[], Awaitable[int]]]
    sum_value: strawberry.Private[Callable[[], Awaitable[Decimal]]]

    @strawberry.field(description="Items matching the filter, across pages; counted if selected.")
    async def total_count(self) -> int:
        return await self.count_total()

    @strawberry.field(
        description="availableQuantity x customerPrice summed over every item matching the "
        "filter (all pages), to the cent; summed only if selected."
    )
    async def total_value(self) -> Decimal:
        return await self.sum_value()

    @classmethod
    def from_domain(cls, v: customer_view.CustomerInventoryView) -> CustomerInventoryView:
        return cls(
            customer_id=strawberry.ID(v.customer_id),
            customer_name=v.customer_name,
            customer_tier=v.customer_tier,
            tenant_id=v.tenant_id,
            inventory_items=[CustomerInventoryItem.from_domain(i) for i in v.items.items],
            page_index=v.items.request.page_index,
            page_size=v.items.request.page_size,
            has_next_page=v.items.has_next_page,
            last_updated=v.last_updated,
            count_total=v.items.count_total,
            sum_value=v.total_value,
        )
