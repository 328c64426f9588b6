"""Seed 004's customer inventory view: one page of stocked parts at the customer's prices.

Live by construction: every call reads the levels the stock commands write in their
transaction, and nothing keeps a copy, so a reservation made a moment ago shows. A page
is priced set-wise (its pairs, then the customer's lines of those parts: two statements
at any page size) through `effective_price`, the one rule of what a part costs a
customer; the total and the value of the whole selection are read only when a client
asks for them, as every page's total is (domain/paging.py). The customer, the tier
discount and the page are read in one unit of work: the view is a hot read, and a
second transaction would cost it two round trips more.
"""

from __future__ import annotations

from decimal import Decimal

from domain.clock import Clock
from domain.inventory.customer_view import (
    CustomerInventoryView,
    InventoryViewFilter,
    inventory_value,
    priced,
)
from domain.paging import Page, PageRequest
from resolvers.changes import existing
from resolvers.inventory.ledger import location_must_exist
from resolvers.inventory.pricing import tier_discount_of
from resolvers.ports import UnitOfWorkFactory


async def customer_inventory_view(
    uow: UnitOfWorkFactory,
    clock: Clock,
    customer_id: str,
    wanted: InventoryViewFilter,
    request: PageRequest,
) -> CustomerInventoryView:
    """CUSTOMER_NOT_FOUND or LOCATION_NOT_FOUND for what this tenant does not have."""
    async with uow() as work:
        customer = await existing(work.customers, customer_id)
        if wanted.location_id is not None:
            await location_must_exist(work, wanted.location_id, "locationId")
        discount = await tier_discount_of(work, customer.tier)
        stocked = await work.customer_inventory.stocked(wanted, request)
        lines = await work.customer_inventory.price_lines(
            customer_id, list({s.product_id: None for s in stocked})
        )
        tenant_id = work.tenant_id
    read_at = clock.now()
    items = [priced(s, lines.get(s.product_id), discount) for s in stocked]

    async def count_total() -> int:
        async with uow() as work:
            return await work.customer_inventory.count(wanted)

    async def total_value() -> Decimal:
        async with uow() as work:
            groups = await work.customer_inventory.value_groups(customer_id, wanted)
        return inventory_value(groups, discount)

    return CustomerInventoryView(
        customer_id=customer.id,
        customer_name=customer.name,
        customer_tier=customer.tier,
        tenant_id=tenant_id,
        items=Page.from_overfetch(items, request, count_total),
        last_updated=read_at,
        total_value=total_value,
    )
