"""Seed 004's customer inventory view: one page of stocked parts at the customer's prices.

Live by construction: every call reads the levels the stock commands write in their
transaction, and nothing keeps a copy, so a reservation made a moment ago shows. A page
is read in two statements at any page size (the customer with their tier's discount,
then the page's pairs with their parts and the customer's price lines of them) and
priced through `effective_price`, the one rule of what a part costs a customer; the
location is looked up only when the page comes back empty (a level at it proves it
exists). The total and the value of the whole selection are read only when a client
asks for them, as every page's total is (domain/paging.py). The view is a hot read and
needs no transaction: `uow` is expected to be a reading one (no BEGIN and ROLLBACK round
trips; each statement sees committed data, as it would in a READ COMMITTED transaction).
"""

from __future__ import annotations

from decimal import Decimal

from domain.clock import Clock
from domain.customers import CustomerNotFound
from domain.inventory.customer_view import (
    CustomerInventoryView,
    InventoryViewFilter,
    inventory_value,
    priced,
)
from domain.paging import Page, PageRequest
from resolvers.inventory.ledger import location_must_exist
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
        customer = await work.customer_inventory.viewer(customer_id)
        if customer is None:
            raise CustomerNotFound(f"Customer '{customer_id}' was not found.", field="customerId")
        stocked = await work.customer_inventory.stocked(customer_id, wanted, request)
        if not stocked and wanted.location_id is not None:
            await location_must_exist(work, wanted.location_id, "locationId")
        tenant_id = work.tenant_id
    read_at = clock.now()
    discount = customer.tier_discount
    items = [priced(s, discount) for s in stocked]

    async def count_total() -> int:
        async with uow() as work:
            return await work.customer_inventory.count(wanted)

    async def total_value() -> Decimal:
        async with uow() as work:
            groups = await work.customer_inventory.value_groups(customer_id, wanted)
        return inventory_value(groups, discount)

    return CustomerInventoryView(
        customer_id=customer.customer_id,
        customer_name=customer.name,
        customer_tier=customer.tier,
        tenant_id=tenant_id,
        items=Page.from_overfetch(items, request, count_total),
        last_updated=read_at,
        total_value=total_value,
    )
