"""Customers' view of inventory on the in-memory unit of work: tiers, tier discounts,
specific prices, the effective price of a part and the credit impact of an order."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest

from domain.clock import ManualClock
from domain.customers import CustomerTierChanged
from domain.errors import DomainError
from domain.inventory.pricing import EffectivePrice, PriceSource
from domain.inventory.pricing_events import CustomerPricingUpdated, PricingChange
from domain.inventory.tiers import CustomerTier
from domain.tax import ItemType
from resolvers.catalog.use_cases import create_part
from resolvers.customers import use_cases as customers
from resolvers.inventory import pricing
from resolvers.inventory.pricing import RequestedPrice
from resolvers.locations.use_cases import create_location
from resolvers.pricing.use_cases import put_tax_code
from resolvers.service_orders import billing, work_sessions
from tests.use_cases import test_service_orders as orders
from tests.use_cases.conftest import TENANT
from tests.use_cases.fakes import Database, FakeUnitOfWork
from tests.use_cases.outcomes import refusal, with_ids_of

Units = Callable[[], FakeUnitOfWork]
D = Decimal


@pytest.fixture
async def customer(uow: Units, clock: ManualClock) -> str:
    """CUST-001, BRONZE, and two parts: an oil at 9.99 and brake pads at 89.99."""
    for product, sku, price in (("PART-OIL", "OIL-5W30", "9.99"), ("PART-PAD", "BRK-PAD", "89.99")):
        await create_part(uow, {"id": product, "sku": sku, "name": sku, "unit_price": D(price)})
    return (await customers.create_customer(uow, clock, {"name": "Fleet Co"})).id


def events_of(database: Database, kind: type) -> list:
    return [e for e in database.outbox if isinstance(e, kind)]


async def test_a_customer_starts_bronze_and_changing_tier_records_it_once(
    uow: Units, clock: ManualClock, database: Database, customer: str
) -> None:
    assert (await customers.customer(uow, customer)).tier is CustomerTier.BRONZE
    clock.advance(timedelta(minutes=1))
    gold = await pricing.set_customer_tier(uow, clock, customer, CustomerTier.GOLD, 1)
    assert (gold.tier, gold.version) == (CustomerTier.GOLD, 2)
    again = await pricing.set_customer_tier(uow, clock, customer, CustomerTier.GOLD, 2)
    assert again.version == 2
    changes = events_of(database, CustomerTierChanged)
    assert changes == with_ids_of(
        changes,
        [
            CustomerTierChanged(
                aggregate_id=customer,
                tenant_id=TENANT,
                occurred_at=clock.now(),
                tier=CustomerTier.GOLD,
                previous_tier=CustomerTier.BRONZE,
                version=2,
            )
        ],
    )
    with pytest.raises(DomainError) as stale:
        await pricing.set_customer_tier(uow, clock, customer, CustomerTier.SILVER, 1)
    assert refusal(stale) == [("VERSION_CONFLICT", "version")]
    with pytest.raises(DomainError) as unknown:
        await pricing.set_customer_tier(uow, clock, "CUST-404", CustomerTier.SILVER, 1)
    assert refusal(unknown) == [("CUSTOMER_NOT_FOUND", "customerId")]


async def test_tier_discounts_default_to_0_5_10_15_and_are_set_like_tax_codes(
    uow: Units,
) -> None:
    defaults = await pricing.tier_discounts(uow)
    assert [(d.tier, d.discount_percent, d.version) for d in defaults] == [
        (CustomerTier.BRONZE, D(0), None),
        (CustomerTier.SILVER, D(5), None),
        (CustomerTier.GOLD, D(10), None),
        (CustomerTier.PLATINUM, D(15), None),
    ]
    created = await pricing.set_tier_discount(uow, CustomerTier.GOLD, D("12.5"), None)
    assert (created.discount_percent, created.version) == (D("12.5"), 1)
    with pytest.raises(DomainError) as taken:
        await pricing.set_tier_discount(uow, CustomerTier.GOLD, D(20), None)
    assert refusal(taken) == [("VERSION_CONFLICT", "version")]
    replaced = await pricing.set_tier_discount(uow, CustomerTier.GOLD, D(20), 1)
    assert (replaced.discount_percent, replaced.version) == (D(20), 2)
    with pytest.raises(DomainError) as stale:
        await pricing.set_tier_discount(uow, CustomerTier.GOLD, D(25), 1)
    assert refusal(stale) == [("VERSION_CONFLICT", "version")]
    for bad in (D(-1), D("100.01"), D("5.555")):
        with pytest.raises(DomainError) as refused:
            await pricing.set_tier_discount(uow, CustomerTier.SILVER, bad, None)
        assert refusal(refused) == [("BAD_USER_INPUT", "discountPercent")]
    assert [d.discount_percent for d in await pricing.tier_discounts(uow)] == [
        D(0),
        D(5),
        D(20),
        D(15),
    ]


async def test_the_effective_price_is_specific_price_then_specific_discount_then_tier(
    uow: Units, clock: ManualClock, customer: str
) -> None:
    tier = await pricing.customer_price(uow, customer, "PART-PAD")
    assert tier == EffectivePrice(
        "PART-PAD", "BRK-PAD", D("89.99"), D("89.99"), D(0), PriceSource.TIER
    )
    await pricing.set_customer_tier(uow, clock, customer, CustomerTier.PLATINUM, 1)
    platinum = await pricing.customer_price(uow, customer, "PART-PAD")
    assert (platinum.customer_price, platinum.discount_percentage, platinum.source) == (
        D("76.49"),  # 89.99 x 0.85 = 76.4915, half-up to the cent
        D(15),
        PriceSource.TIER,
    )
    await pricing.update_customer_pricing(
        uow,
        clock,
        customer,
        0,
        [
            RequestedPrice(sku="brk-pad", discount_percentage=D("22.5")),
            RequestedPrice(product_id="PART-OIL", customer_price=D("8.00")),
        ],
    )
    pads = await pricing.customer_price(uow, customer, "PART-PAD")
    assert (pads.customer_price, pads.discount_percentage, pads.source) == (
        D("69.74"),  # 89.99 x 0.775 = 69.742...
        D("22.5"),
        PriceSource.SPECIFIC_DISCOUNT,
    )
    oil = await pricing.customer_price(uow, customer, "PART-OIL")
    assert (oil.customer_price, oil.discount_percentage, oil.source) == (
        D("8.00"),
        D("19.92"),  # 8.00 is 19.92% off 9.99
        PriceSource.SPECIFIC_PRICE,
    )
    with pytest.raises(DomainError) as unknown:
        await pricing.customer_price(uow, customer, "PART-404")
    assert refusal(unknown) == [("PART_NOT_FOUND", "productId")]


async def test_an_update_changes_the_lines_it_names_records_them_and_removes_emptied_ones(
    uow: Units, clock: ManualClock, database: Database, customer: str
) -> None:
    assert (await pricing.customer_pricing(uow, customer)).version == 0
    first = await pricing.update_customer_pricing(
        uow,
        clock,
        customer,
        0,
        [
            RequestedPrice(product_id="PART-OIL", customer_price=D("8.00")),
            RequestedPrice(sku="BRK-PAD", product_id="PART-PAD", discount_percentage=D(10)),
        ],
    )
    assert first.version == 1
    second = await pricing.update_customer_pricing(
        uow, clock, customer, 1, [RequestedPrice(product_id="PART-OIL")]
    )
    assert second.version == 2
    stored = await pricing.customer_pricing(uow, customer)
    assert [
        (p.sku, p.customer_price, p.discount_percentage) for p in stored.effective_prices()
    ] == [("BRK-PAD", D("80.99"), D(10))]
    recorded = events_of(database, CustomerPricingUpdated)
    assert recorded == with_ids_of(
        recorded,
        [
            CustomerPricingUpdated(
                aggregate_id=customer,
                tenant_id=TENANT,
                occurred_at=clock.now(),
                pricing_updates=(
                    PricingChange("PART-OIL", "OIL-5W30", D("8.00"), None),
                    PricingChange("PART-PAD", "BRK-PAD", None, D(10)),
                ),
                version=1,
            ),
            CustomerPricingUpdated(
                aggregate_id=customer,
                tenant_id=TENANT,
                occurred_at=clock.now(),
                pricing_updates=(PricingChange("PART-OIL", "OIL-5W30", None, None),),
                version=2,
            ),
        ],
    )


async def test_a_faulty_line_refuses_the_whole_update_naming_each_fault(
    uow: Units, clock: ManualClock, database: Database, customer: str
) -> None:
    good = RequestedPrice(product_id="PART-OIL", customer_price=D("8.00"))
    cases = [
        (
            [good, RequestedPrice(sku="NOPE", customer_price=D(1))],
            [("PART_NOT_FOUND", "prices[1].sku")],
        ),
        ([good, RequestedPrice(product_id="NOPE")], [("PART_NOT_FOUND", "prices[1].productId")]),
        ([RequestedPrice(customer_price=D(1))], [("BAD_USER_INPUT", "prices[0].productId")]),
        (
            [RequestedPrice(product_id="PART-OIL", sku="BRK-PAD", customer_price=D(1))],
            [("BAD_USER_INPUT", "prices[0].sku")],
        ),
        (
            [RequestedPrice(product_id="PART-OIL", customer_price=D(1), discount_percentage=D(1))],
            [("BAD_USER_INPUT", "prices[0].customerPrice")],
        ),
        (
            [
                RequestedPrice(product_id="PART-OIL", customer_price=D("-1")),
                RequestedPrice(product_id="PART-PAD", discount_percentage=D(101)),
            ],
            [
                ("BAD_USER_INPUT", "prices[0].customerPrice"),
                ("BAD_USER_INPUT", "prices[1].discountPercentage"),
            ],
        ),
        ([good, good], [("BAD_USER_INPUT", "prices[1]")]),
        ([], [("BAD_USER_INPUT", "prices")]),
    ]
    for lines, expected in cases:
        with pytest.raises(DomainError) as refused:
            await pricing.update_customer_pricing(uow, clock, customer, 0, lines)
        assert refusal(refused) == expected
    assert (await pricing.customer_pricing(uow, customer)).prices == {}
    assert events_of(database, CustomerPricingUpdated) == []


async def test_a_price_list_is_changed_at_the_version_read_and_only_for_a_known_customer(
    uow: Units, clock: ManualClock, database: Database, customer: str
) -> None:
    line = [RequestedPrice(product_id="PART-OIL", customer_price=D("8.00"))]
    await pricing.update_customer_pricing(uow, clock, customer, 0, line)
    with pytest.raises(DomainError) as stale:
        await pricing.update_customer_pricing(uow, clock, customer, 0, line)
    assert refusal(stale) == [("VERSION_CONFLICT", "version")]
    with pytest.raises(DomainError) as unknown:
        await pricing.update_customer_pricing(uow, clock, "CUST-404", 0, line)
    assert refusal(unknown) == [("CUSTOMER_NOT_FOUND", "customerId")]
    assert len(events_of(database, CustomerPricingUpdated)) == 1


async def test_another_tenant_sees_none_of_the_prices_or_discounts(
    uow: Units, stranger: Units, clock: ManualClock, customer: str
) -> None:
    await pricing.update_customer_pricing(
        uow, clock, customer, 0, [RequestedPrice(product_id="PART-OIL", customer_price=D(8))]
    )
    await pricing.set_tier_discount(uow, CustomerTier.BRONZE, D(3), None)
    with pytest.raises(DomainError) as unknown:
        await pricing.customer_pricing(stranger, customer)
    assert refusal(unknown) == [("CUSTOMER_NOT_FOUND", "customerId")]
    assert (await pricing.tier_discounts(stranger))[0].discount_percent == D(0)


async def test_a_credit_limit_is_cents_and_zero_or_more(
    uow: Units, clock: ManualClock, customer: str
) -> None:
    limited = await customers.update_customer(uow, clock, customer, 1, {"credit_limit": D(500)})
    assert (limited.credit_limit, limited.version) == (D(500), 2)
    for bad in (D(-1), D("0.001")):
        with pytest.raises(DomainError) as refused:
            await customers.update_customer(uow, clock, customer, 2, {"credit_limit": bad})
        assert refusal(refused) == [("BAD_USER_INPUT", "creditLimit")]
    unlimited = await customers.update_customer(uow, clock, customer, 2, {"credit_limit": None})
    assert unlimited.credit_limit is None


async def billed_order(uow: Units, clock: ManualClock, customer: str) -> Decimal:
    """A billed service order of `customer` (seed 000's: brake pads and four hours of
    labor, taxed 8%); what it debited to Accounts Receivable."""
    vehicle = await customers.create_vehicle(
        uow, clock, {"customer_id": customer, "vin": orders.VIN}
    )
    await create_location(uow, {"id": orders.LOCATION, "name": "North"})
    for code, kind in (("TAXABLE_GOODS", ItemType.PART), ("LABOR_TAX", ItemType.LABOR)):
        await put_tax_code(
            uow,
            {
                "location_id": orders.LOCATION,
                "code": code,
                "description": "8%",
                "rate": D("0.08"),
                "applicable_item_types": (kind,),
            },
            None,
        )
    await work_sessions.save_person(
        uow,
        {
            "person_id": "TECH-001",
            "name": "Pat",
            "roles": ["TECHNICIAN"],
            "location_ids": [orders.LOCATION],
        },
    )
    await create_part(
        uow, {"id": "PART-001", "sku": "BRK-PAD-F", "name": "Pads", "unit_price": D("89.99")}
    )
    order = await orders.finalized(uow, clock, orders.Shop(customer, vehicle.id))
    billed = await billing.bill(uow, clock, orders.ADVISOR, order.id, None, order.version)
    return billed.gl_entries[0].amount


async def test_credit_impact_is_the_quantity_at_the_customers_price_against_open_receivable(
    uow: Units, clock: ManualClock, customer: str
) -> None:
    unlimited = await pricing.customer_credit_impact(uow, customer, None, "BRK-PAD", D(3))
    assert (
        unlimited.total_value,
        unlimited.credit_limit,
        unlimited.current_credit_used,
        unlimited.available_credit,
        unlimited.can_process_order,
    ) == (D("269.97"), None, D(0), None, True)
    owed = await billed_order(uow, clock, customer)
    assert owed == D("453.58")
    await customers.update_customer(uow, clock, customer, 1, {"credit_limit": D(1000)})
    await pricing.update_customer_pricing(
        uow, clock, customer, 0, [RequestedPrice(sku="BRK-PAD", customer_price=D("80.00"))]
    )
    fits = await pricing.customer_credit_impact(uow, customer, "PART-PAD", None, D(6))
    assert (
        fits.total_value,
        fits.credit_impact,
        fits.current_credit_used,
        fits.available_credit,
        fits.can_process_order,
    ) == (D("480.00"), D("480.00"), D("453.58"), D("546.42"), True)
    too_much = await pricing.customer_credit_impact(uow, customer, "PART-PAD", None, D(7))
    assert (too_much.total_value, too_much.can_process_order) == (D("560.00"), False)
    for quantity in (D(0), D("0.00001")):
        with pytest.raises(DomainError) as refused:
            await pricing.customer_credit_impact(uow, customer, "PART-PAD", None, quantity)
        assert refusal(refused) == [("BAD_USER_INPUT", "quantity")]
    with pytest.raises(DomainError) as unknown:
        await pricing.customer_credit_impact(uow, "CUST-404", "PART-PAD", None, D(1))
    assert refusal(unknown) == [("CUSTOMER_NOT_FOUND", "customerId")]
