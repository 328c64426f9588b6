"""Estimate lines, discount and tax, without I/O: the figures a customer is quoted."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from domain.catalog import Part, PricingModel, Service
from domain.errors import DomainError
from domain.estimates import (
    ADD_NON_CATALOG_PART,
    OVERRIDE_PRICE,
    Discount,
    Estimate,
    EstimateStatus,
)
from domain.estimates.totals import allocate
from domain.identity import Principal
from domain.locations import ApprovalMethod, ApprovalPolicy
from domain.tax import ItemType, TaxCode

NOW = datetime(2026, 1, 24, 10, 30, tzinfo=UTC)
CLERK = Principal("USER-001", "tenant-001", frozenset())
MANAGER = Principal("USER-002", "tenant-001", frozenset({OVERRIDE_PRICE, ADD_NON_CATALOG_PART}))
CODES = {
    code.code: code
    for code in (
        TaxCode("LOC-001", "TAXABLE_GOODS", "Taxable parts", Decimal("0.08"), (ItemType.PART,)),
        TaxCode(
            "LOC-001",
            "LABOR_TAXABLE",
            "Taxable labor",
            Decimal("0.06"),
            (ItemType.LABOR, ItemType.SERVICE),
        ),
    )
}
PADS = Part(
    "PART-001", "BRK-PAD-F", "Front Brake Pad Set", Decimal("89.99"), tax_code="TAXABLE_GOODS"
)
LABOR = Service(
    "SVC-002",
    "Brake labor",
    PricingModel.TIME_BASED,
    Decimal("60.00"),
    "LABOR",
    labor_units=Decimal("1"),
    tax_code="LABOR_TAXABLE",
)
INSPECTION = Service(
    "SVC-001",
    "Brake Inspection",
    PricingModel.FLAT_RATE,
    Decimal("120.00"),
    "INSPECTION",
    labor_units=Decimal("0.5"),
    tax_code="LABOR_TAXABLE",
)


def draft() -> Estimate:
    return Estimate.create(
        estimate_id="EST-001",
        number="EST-0001",
        customer_id="CUST-001",
        vehicle_id="VEH-001",
        location_id="LOC-001",
        by=CLERK,
        now=NOW,
    )


def seed_estimate() -> Estimate:
    estimate = draft()
    estimate.add_part("EST-ITEM-001", PADS, Decimal(1), CODES, CLERK)
    estimate.add_service("EST-ITEM-002", LABOR, CODES)
    return estimate


def code_of(error: pytest.ExceptionInfo[DomainError]) -> list[tuple[str, str | None]]:
    return [(e.code, e.field) for e in error.value.each()]


def test_a_new_estimate_is_an_empty_draft_under_the_number_it_was_given() -> None:
    estimate = draft()
    assert (estimate.status, estimate.number, estimate.revision) == (
        EstimateStatus.DRAFT,
        "EST-0001",
        1,
    )
    assert estimate.totals.grand_total == Decimal("0.00")
    assert estimate.tenant_id == "tenant-001"


def test_an_estimate_needs_its_customer_vehicle_and_location() -> None:
    with pytest.raises(DomainError) as raised:
        Estimate.create(
            estimate_id="EST-001",
            number="EST-0001",
            customer_id=" ",
            vehicle_id="",
            location_id="",
            by=CLERK,
            now=NOW,
        )
    assert {field for _, field in code_of(raised)} == {"customerId", "vehicleId", "locationId"}


def test_the_seed_lines_are_taxed_as_the_pricing_contract_shows() -> None:
    totals = seed_estimate().totals
    assert [line.tax_amount for line in totals.lines] == [Decimal("7.20"), Decimal("3.60")]
    assert totals.subtotal_materials == Decimal("89.99")
    assert totals.subtotal_services == Decimal("60.00")
    assert totals.tax_total == Decimal("10.80")
    assert totals.grand_total == Decimal("160.79")
    assert totals.item_count == 2


def test_a_catalog_part_takes_its_price_description_and_tax_code_from_the_catalog() -> None:
    item = draft().add_part("L1", PADS, Decimal(2), CODES, CLERK)
    assert (item.unit_price, item.description, item.tax_code, item.catalog_id) == (
        Decimal("89.99"),
        "Front Brake Pad Set",
        "TAXABLE_GOODS",
        "PART-001",
    )
    assert item.subtotal == Decimal("179.98")
    assert not item.price_overridden


def test_overriding_a_catalog_price_without_the_permission_is_forbidden() -> None:
    estimate = draft()
    with pytest.raises(DomainError) as raised:
        estimate.add_part("L1", PADS, Decimal(1), CODES, CLERK, unit_price=Decimal("79.99"))
    assert code_of(raised) == [("FORBIDDEN", "unitPrice")]
    assert estimate.items == ()


def test_a_manager_may_override_a_catalog_price_and_the_line_says_so() -> None:
    item = draft().add_part("L1", PADS, Decimal(1), CODES, MANAGER, unit_price=Decimal("79.99"))
    assert (item.unit_price, item.price_overridden) == (Decimal("79.99"), True)


def test_giving_the_catalog_price_itself_is_no_override() -> None:
    item = draft().add_part("L1", PADS, Decimal(1), CODES, CLERK, unit_price=Decimal("89.99"))
    assert not item.price_overridden


def test_a_non_catalog_part_needs_its_own_permission() -> None:
    with pytest.raises(DomainError) as raised:
        draft().add_non_catalog_part(
            "L1", "Dealer-only clip", Decimal("4.50"), Decimal(2), "TAXABLE_GOODS", CODES, CLERK
        )
    assert code_of(raised) == [("FORBIDDEN", "productId")]


def test_a_manager_may_add_a_non_catalog_part() -> None:
    estimate = draft()
    item = estimate.add_non_catalog_part(
        "L1", "Dealer-only clip", Decimal("4.50"), Decimal(2), "taxable_goods", CODES, MANAGER
    )
    assert (item.catalog_id, item.tax_code, item.subtotal) == (
        None,
        "TAXABLE_GOODS",
        Decimal("9.00"),
    )
    assert estimate.totals.grand_total == Decimal("9.72")


def test_a_wildcard_principal_holds_every_estimate_permission() -> None:
    admin = Principal("ADMIN", "tenant-001", frozenset({"*"}))
    item = draft().add_part("L1", PADS, Decimal(1), CODES, admin, unit_price=Decimal("1.00"))
    assert item.price_overridden


def test_a_flat_rate_service_charges_its_rate_whatever_its_labor_units() -> None:
    item = draft().add_service("L1", INSPECTION, CODES)
    assert (item.item_type, item.subtotal, item.labor_units) == (
        ItemType.SERVICE,
        Decimal("120.00"),
        None,
    )


def test_a_time_based_service_charges_labor_units_times_the_rate() -> None:
    diagnosis = Service(
        "SVC-003",
        "Diagnosis",
        PricingModel.TIME_BASED,
        Decimal("95.00"),
        "DIAGNOSTIC",
        labor_units=Decimal("1.5"),
        tax_code="LABOR_TAXABLE",
    )
    item = draft().add_service("L1", diagnosis, CODES, quantity=Decimal(2))
    assert (item.item_type, item.subtotal) == (ItemType.LABOR, Decimal("285.00"))


@pytest.mark.parametrize("quantity", [Decimal(0), Decimal(-1), Decimal("0.0001"), Decimal("NaN")])
def test_a_quantity_must_be_positive(quantity: Decimal) -> None:
    with pytest.raises(DomainError) as raised:
        draft().add_part("L1", PADS, quantity, CODES, CLERK)
    assert code_of(raised) == [("BAD_USER_INPUT", "quantity")]


def test_a_price_cannot_be_negative() -> None:
    with pytest.raises(DomainError) as raised:
        draft().add_part("L1", PADS, Decimal(1), CODES, MANAGER, unit_price=Decimal("-1.00"))
    assert code_of(raised) == [("BAD_USER_INPUT", "unitPrice")]


def test_a_free_part_is_allowed() -> None:
    item = draft().add_part("L1", PADS, Decimal(1), CODES, MANAGER, unit_price=Decimal("0"))
    assert item.subtotal == Decimal("0.00")


def test_a_line_whose_tax_code_the_location_lacks_is_refused_when_added() -> None:
    estimate = draft()
    exotic = replace(PADS, tax_code="LUXURY_GOODS")
    with pytest.raises(DomainError) as raised:
        estimate.add_part("L1", exotic, Decimal(1), CODES, CLERK)
    assert code_of(raised) == [("TAX_CODE_NOT_CONFIGURED", "items[0].taxCode")]
    assert estimate.items == ()


def test_a_line_whose_tax_code_does_not_cover_its_type_is_refused() -> None:
    with pytest.raises(DomainError) as raised:
        draft().add_service("L1", replace(LABOR, tax_code="TAXABLE_GOODS"), CODES)
    assert code_of(raised) == [("TAX_CODE_NOT_APPLICABLE", "items[0].taxCode")]


def test_a_draft_line_without_a_tax_code_is_carried_untaxed() -> None:
    estimate = draft()
    estimate.add_part("L1", replace(PADS, tax_code=None), Decimal(1), CODES, CLERK)
    assert (estimate.totals.tax_total, estimate.totals.grand_total) == (
        Decimal("0.00"),
        Decimal("89.99"),
    )


def test_two_lines_cannot_share_an_id() -> None:
    estimate = seed_estimate()
    with pytest.raises(DomainError) as raised:
        estimate.add_part("EST-ITEM-001", PADS, Decimal(1), CODES, CLERK)
    assert code_of(raised) == [("DUPLICATE_ID", "itemId")]


def test_changing_a_quantity_recalculates_every_total() -> None:
    estimate = seed_estimate()
    estimate.update_quantity("EST-ITEM-001", Decimal(2), CODES)
    assert estimate.totals.subtotal_materials == Decimal("179.98")
    assert estimate.totals.tax_total == Decimal("14.40") + Decimal("3.60")
    assert estimate.totals.grand_total == Decimal("257.98")


def test_removing_a_line_recalculates_every_total() -> None:
    estimate = seed_estimate()
    estimate.remove_item("EST-ITEM-002", CODES)
    assert [i.item_id for i in estimate.items] == ["EST-ITEM-001"]
    assert (estimate.totals.item_count, estimate.totals.grand_total) == (1, Decimal("97.19"))


def test_changing_or_removing_an_unknown_line_names_it() -> None:
    estimate = seed_estimate()
    with pytest.raises(DomainError) as raised:
        estimate.remove_item("NOPE", CODES)
    assert raised.value.code == "ITEM_NOT_FOUND"
    assert "NOPE" in raised.value.message
    with pytest.raises(DomainError):
        estimate.update_quantity("NOPE", Decimal(1), CODES)


def test_a_zero_quantity_update_is_refused_and_the_line_kept() -> None:
    estimate = seed_estimate()
    with pytest.raises(DomainError) as raised:
        estimate.update_quantity("EST-ITEM-001", Decimal(0), CODES)
    assert code_of(raised) == [("BAD_USER_INPUT", "quantity")]
    assert estimate.items[0].quantity == Decimal(1)


def test_a_percent_discount_lowers_each_line_before_tax() -> None:
    estimate = seed_estimate()
    estimate.set_discount(Discount(percent=Decimal("10")), CODES)
    totals = estimate.totals
    # 10% of 149.99 is 15.00 (half-up), spread 9.00 on the part and 6.00 on labor.
    assert totals.discount_amount == Decimal("15.00")
    assert [line.discount for line in totals.lines] == [Decimal("9.00"), Decimal("6.00")]
    assert [line.tax_amount for line in totals.lines] == [Decimal("6.48"), Decimal("3.24")]
    assert totals.grand_total == Decimal("149.99") - Decimal("15.00") + Decimal("9.72")
    assert totals.subtotal_materials == Decimal("89.99")


def test_an_amount_discount_is_spread_in_proportion_and_adds_up_to_the_cent() -> None:
    estimate = seed_estimate()
    estimate.set_discount(Discount(amount=Decimal("10.00")), CODES)
    lines = estimate.totals.lines
    assert sum(line.discount for line in lines) == Decimal("10.00")
    assert [line.discount for line in lines] == [Decimal("6.00"), Decimal("4.00")]
    assert sum(line.line_total for line in lines) == estimate.totals.grand_total


def test_a_hundred_percent_discount_makes_the_estimate_free() -> None:
    estimate = seed_estimate()
    estimate.set_discount(Discount(percent=Decimal("100")), CODES)
    assert (estimate.totals.tax_total, estimate.totals.grand_total) == (
        Decimal("0.00"),
        Decimal("0.00"),
    )


def test_a_discount_equal_to_the_subtotal_is_allowed_but_not_above_it() -> None:
    estimate = seed_estimate()
    estimate.set_discount(Discount(amount=Decimal("149.99")), CODES)
    assert estimate.totals.grand_total == Decimal("0.00")
    with pytest.raises(DomainError) as raised:
        estimate.set_discount(Discount(amount=Decimal("150.00")), CODES)
    assert code_of(raised) == [("DISCOUNT_EXCEEDS_SUBTOTAL", "discountAmount")]
    assert estimate.discount == Discount(amount=Decimal("149.99"))


def test_removing_a_line_that_would_leave_the_discount_above_the_subtotal_is_refused() -> None:
    estimate = seed_estimate()
    estimate.set_discount(Discount(amount=Decimal("80.00")), CODES)
    with pytest.raises(DomainError) as raised:
        estimate.remove_item("EST-ITEM-001", CODES)
    assert raised.value.code == "DISCOUNT_EXCEEDS_SUBTOTAL"
    assert len(estimate.items) == 2


@pytest.mark.parametrize(
    ("discount", "field"),
    [
        ({"percent": Decimal("-1")}, "discountPercent"),
        ({"percent": Decimal("100.01")}, "discountPercent"),
        ({"percent": Decimal("5.555")}, "discountPercent"),
        ({"amount": Decimal("-0.01")}, "discountAmount"),
        ({"amount": Decimal("1.001")}, "discountAmount"),
        ({"percent": Decimal("5"), "amount": Decimal("5")}, "discount"),
    ],
)
def test_a_discount_is_a_percent_from_0_to_100_or_a_non_negative_amount(
    discount: dict[str, Decimal], field: str
) -> None:
    with pytest.raises(DomainError) as raised:
        Discount(**discount)
    assert code_of(raised) == [("BAD_USER_INPUT", field)]


def test_a_discount_on_an_empty_estimate_is_zero() -> None:
    estimate = draft()
    estimate.set_discount(Discount(percent=Decimal("50")), CODES)
    assert estimate.totals.discount_amount == Decimal("0.00")


def test_the_rounding_cents_of_a_discount_go_to_the_lines_that_lost_most() -> None:
    shares = allocate(Decimal("0.10"), [Decimal("1.00"), Decimal("1.00"), Decimal("1.00")])
    assert shares == [Decimal("0.04"), Decimal("0.03"), Decimal("0.03")]
    assert allocate(Decimal("1.00"), [Decimal("0.00"), Decimal("3.00")]) == [
        Decimal("0.00"),
        Decimal("1.00"),
    ]


def test_lines_and_discount_change_only_on_a_draft() -> None:
    estimate = seed_estimate()
    policy = ApprovalPolicy(ApprovalMethod.CLICK_CONFIRM, "Terms", "2024-01-01", 7)
    estimate.submit(policy, CLERK, NOW)
    for change in (
        lambda: estimate.add_service("L3", INSPECTION, CODES),
        lambda: estimate.update_quantity("EST-ITEM-001", Decimal(3), CODES),
        lambda: estimate.remove_item("EST-ITEM-001", CODES),
        lambda: estimate.set_discount(Discount(percent=Decimal(5)), CODES),
    ):
        with pytest.raises(DomainError) as raised:
            change()
        assert raised.value.code == "INVALID_TRANSITION"
        assert "PENDING_APPROVAL" in raised.value.message
