"""Seed 004's customer inventory view on the in-memory unit of work: each stocked item at
the customer's price (tier, specific price, specific discount), paging, the location and
text filters, the value of the whole selection, lead times, and what it refuses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest

from domain.clock import ManualClock
from domain.errors import DomainError
from domain.inventory.customer_view import CustomerInventoryView, InventoryViewFilter
from domain.inventory.reservations import ReferenceType
from domain.inventory.tiers import CustomerTier
from domain.paging import PageRequest
from resolvers.catalog.use_cases import create_part
from resolvers.customers import use_cases as customers
from resolvers.inventory import ledger, pricing, reservations
from resolvers.inventory.customer_view import customer_inventory_view
from resolvers.inventory.pricing import RequestedPrice
from resolvers.locations.use_cases import create_location
from tests.use_cases.fakes import FakeUnitOfWork
from tests.use_cases.outcomes import refusal

Units = Callable[[], FakeUnitOfWork]
D = Decimal
CLERK = "clerk-1"
EVERYTHING = InventoryViewFilter()


@pytest.fixture
async def shop(uow: Units, clock: ManualClock) -> None:
    """Oil at LOC-A (10, 2 of them reserved) and LOC-B (4), brake pads at LOC-A (3), an
    air filter at LOC-B (5); the pads have no description."""
    for product, sku, name, description, price in (
        ("PART-OIL", "OIL-5W30", "Oil", "Synthetic motor oil 5W-30", "9.99"),
        ("PART-PAD", "BRK-PAD", "Brake pads", None, "89.99"),
        ("PART-FLT", "FLT-AIR", "Filter", "Air filter", "24.50"),
    ):
        await create_part(
            uow,
            {
                "id": product,
                "sku": sku,
                "name": name,
                "description": description,
                "unit_price": D(price),
            },
        )
    for location in ("LOC-A", "LOC-B"):
        await create_location(uow, {"id": location, "name": location})
    for sku, location, quantity in (
        ("OIL-5W30", "LOC-A", "10"),
        ("OIL-5W30", "LOC-B", "4"),
        ("BRK-PAD", "LOC-A", "3"),
        ("FLT-AIR", "LOC-B", "5"),
    ):
        await ledger.receive_stock(uow, clock, CLERK, sku, location, D(quantity), D(1))
    await reservations.reserve_stock(
        uow,
        clock,
        CLERK,
        None,
        "OIL-5W30",
        "LOC-A",
        D(2),
        ReferenceType.ORDER_LINE,
        "SO-1/1",
        clock.now() + timedelta(days=1),
    )


async def new_customer(uow: Units, clock: ManualClock, tier: CustomerTier) -> str:
    created = await customers.create_customer(uow, clock, {"name": f"{tier} Fleet"})
    if tier is not CustomerTier.BRONZE:
        await pricing.set_customer_tier(uow, clock, created.id, tier, created.version)
    return created.id


async def view(
    uow: Units,
    clock: ManualClock,
    customer_id: str,
    wanted: InventoryViewFilter = EVERYTHING,
    request: PageRequest | None = None,
) -> CustomerInventoryView:
    return await customer_inventory_view(
        uow, clock, customer_id, wanted, request or PageRequest(0, 20)
    )


def lines(found: CustomerInventoryView) -> list[tuple]:
    return [
        (
            i.sku,
            i.location_id,
            i.available_quantity,
            i.reserved_quantity,
            i.unit_price,
            i.customer_price,
            i.discount_percentage,
            i.price_source.value,
        )
        for i in found.items.items
    ]


@pytest.mark.usefixtures("shop")
async def test_a_gold_customer_sees_every_stocked_item_at_the_tier_price_in_sku_order(
    uow: Units, clock: ManualClock
) -> None:
    gold = await new_customer(uow, clock, CustomerTier.GOLD)
    found = await view(uow, clock, gold)
    assert (found.customer_name, found.customer_tier) == ("GOLD Fleet", CustomerTier.GOLD)
    assert found.last_updated == clock.now()
    assert lines(found) == [
        ("BRK-PAD", "LOC-A", D(3), D(0), D("89.99"), D("80.99"), D(10), "TIER"),
        ("FLT-AIR", "LOC-B", D(5), D(0), D("24.50"), D("22.05"), D(10), "TIER"),
        ("OIL-5W30", "LOC-A", D(8), D(2), D("9.99"), D("8.99"), D(10), "TIER"),
        ("OIL-5W30", "LOC-B", D(4), D(0), D("9.99"), D("8.99"), D(10), "TIER"),
    ]
    assert [i.description for i in found.items.items] == [
        "Brake pads",
        "Air filter",
        "Synthetic motor oil 5W-30",
        "Synthetic motor oil 5W-30",
    ]
    # 3 x 80.99 + 5 x 22.05 + (8 + 4) x 8.99
    assert await found.total_value() == D("461.10")


@pytest.mark.usefixtures("shop")
async def test_the_discount_the_tenant_set_for_a_tier_prices_that_tier_only(
    uow: Units, clock: ManualClock
) -> None:
    gold = await new_customer(uow, clock, CustomerTier.GOLD)
    silver = await new_customer(uow, clock, CustomerTier.SILVER)
    await pricing.set_tier_discount(uow, CustomerTier.GOLD, D(12), None)
    at_a = InventoryViewFilter.of("LOC-A", None)
    assert lines(await view(uow, clock, gold, at_a))[0] == (
        *("BRK-PAD", "LOC-A", D(3), D(0), D("89.99"), D("79.19"), D(12), "TIER"),
    )
    assert lines(await view(uow, clock, silver, at_a))[0][5:] == (D("85.49"), D(5), "TIER")


@pytest.mark.usefixtures("shop")
async def test_a_specific_price_or_discount_wins_over_the_tier_for_its_part_only(
    uow: Units, clock: ManualClock
) -> None:
    silver = await new_customer(uow, clock, CustomerTier.SILVER)
    await pricing.update_customer_pricing(
        uow,
        clock,
        silver,
        0,
        [
            RequestedPrice(sku="BRK-PAD", customer_price=D("70.00")),
            RequestedPrice(sku="OIL-5W30", discount_percentage=D(20)),
        ],
    )
    found = await view(uow, clock, silver)
    assert [
        (sku, loc, price, off, source) for sku, loc, _, _, _, price, off, source in lines(found)
    ] == [
        ("BRK-PAD", "LOC-A", D("70.00"), D("22.21"), "SPECIFIC_PRICE"),
        ("FLT-AIR", "LOC-B", D("23.28"), D(5), "TIER"),
        ("OIL-5W30", "LOC-A", D("7.99"), D(20), "SPECIFIC_DISCOUNT"),
        ("OIL-5W30", "LOC-B", D("7.99"), D(20), "SPECIFIC_DISCOUNT"),
    ]
    for item in found.items.items:
        expected = await pricing.customer_price(uow, silver, item.product_id)
        assert item.customer_price == expected.customer_price
    # 3 x 70.00 + 5 x 23.28 + 12 x 7.99
    assert await found.total_value() == D("422.28")


@pytest.mark.usefixtures("shop")
async def test_pages_follow_sku_then_location_and_the_total_and_value_cover_all_pages(
    uow: Units, clock: ManualClock
) -> None:
    gold = await new_customer(uow, clock, CustomerTier.GOLD)
    first = await view(uow, clock, gold, request=PageRequest(0, 3))
    last = await view(uow, clock, gold, request=PageRequest(1, 3))
    assert [(i.sku, i.location_id) for i in first.items.items + last.items.items] == [
        ("BRK-PAD", "LOC-A"),
        ("FLT-AIR", "LOC-B"),
        ("OIL-5W30", "LOC-A"),
        ("OIL-5W30", "LOC-B"),
    ]
    assert (first.items.has_next_page, last.items.has_next_page) == (True, False)
    assert await first.items.count_total() == 4
    assert await last.total_value() == D("461.10")


@pytest.mark.usefixtures("shop")
async def test_the_location_and_text_filters_narrow_the_items_the_count_and_the_value(
    uow: Units, clock: ManualClock
) -> None:
    bronze = await new_customer(uow, clock, CustomerTier.BRONZE)
    at_b = await view(uow, clock, bronze, InventoryViewFilter.of("LOC-B", None))
    assert [(i.sku, i.location_id) for i in at_b.items.items] == [
        ("FLT-AIR", "LOC-B"),
        ("OIL-5W30", "LOC-B"),
    ]
    assert await at_b.items.count_total() == 2
    assert await at_b.total_value() == D("162.46")  # 5 x 24.50 + 4 x 9.99
    for text, skus in (
        ("motor OIL", ["OIL-5W30", "OIL-5W30"]),
        ("brk", ["BRK-PAD"]),
        ("pads", ["BRK-PAD"]),
        ("no such part", []),
        ("   ", ["BRK-PAD", "FLT-AIR", "OIL-5W30", "OIL-5W30"]),
    ):
        found = await view(uow, clock, bronze, InventoryViewFilter.of(None, text))
        assert [i.sku for i in found.items.items] == skus, text
    oil_at_a = await view(uow, clock, bronze, InventoryViewFilter.of("LOC-A", "oil"))
    assert [(i.sku, i.location_id) for i in oil_at_a.items.items] == [("OIL-5W30", "LOC-A")]
    assert await oil_at_a.total_value() == D("79.92")  # 8 available x 9.99


@pytest.mark.usefixtures("shop")
async def test_the_lead_time_is_the_pairs_replenishment_setting(
    uow: Units, clock: ManualClock
) -> None:
    item = await ledger.set_reorder_point(uow, clock, "OIL-5W30", "LOC-B", D(2), 1, 7)
    assert (item.reorder_point, item.lead_time_days, item.version) == (D(2), 7, 2)
    kept = await ledger.set_reorder_point(uow, clock, "OIL-5W30", "LOC-B", D(1), 2)
    assert kept.lead_time_days == 7
    with pytest.raises(DomainError) as error:
        await ledger.set_reorder_point(uow, clock, "OIL-5W30", "LOC-B", D(1), 3, 366)
    assert refusal(error) == [("BAD_USER_INPUT", "leadTimeDays")]
    bronze = await new_customer(uow, clock, CustomerTier.BRONZE)
    found = await view(uow, clock, bronze, InventoryViewFilter.of(None, "oil"))
    assert [(i.location_id, i.lead_time_days) for i in found.items.items] == [
        ("LOC-A", 0),
        ("LOC-B", 7),
    ]


@pytest.mark.usefixtures("shop")
async def test_the_view_is_read_live(uow: Units, clock: ManualClock) -> None:
    bronze = await new_customer(uow, clock, CustomerTier.BRONZE)
    before = await view(uow, clock, bronze, InventoryViewFilter.of("LOC-A", "BRK"))
    await ledger.issue_stock(uow, clock, CLERK, "BRK-PAD", "LOC-A", D(1), None)
    clock.advance(timedelta(seconds=5))
    after = await view(uow, clock, bronze, InventoryViewFilter.of("LOC-A", "BRK"))
    assert [i.available_quantity for i in (*before.items.items, *after.items.items)] == [
        D(3),
        D(2),
    ]
    assert after.last_updated == before.last_updated + timedelta(seconds=5)


@pytest.mark.usefixtures("shop")
async def test_an_unknown_customer_or_location_is_refused_with_its_code(
    uow: Units, clock: ManualClock, stranger: Units
) -> None:
    with pytest.raises(DomainError) as error:
        await view(uow, clock, "CUST-404")
    assert refusal(error) == [("CUSTOMER_NOT_FOUND", "customerId")]
    bronze = await new_customer(uow, clock, CustomerTier.BRONZE)
    with pytest.raises(DomainError) as error:
        await view(uow, clock, bronze, InventoryViewFilter.of("LOC-Z", None))
    assert refusal(error) == [("LOCATION_NOT_FOUND", "locationId")]
    with pytest.raises(DomainError) as error:
        await view(stranger, clock, bronze)
    assert refusal(error) == [("CUSTOMER_NOT_FOUND", "customerId")]


@pytest.mark.usefixtures("shop")
async def test_another_tenants_customer_sees_none_of_this_tenants_stock(
    stranger: Units, clock: ManualClock
) -> None:
    theirs = await new_customer(stranger, clock, CustomerTier.GOLD)
    found = await view(stranger, clock, theirs)
    assert found.items.items == []
    assert await found.items.count_total() == 0
    assert await found.total_value() == D(0)
