"""The checks a clerk meets when entering parts and services, without I/O."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from domain.catalog import Availability, Part, PricingModel, Service
from domain.errors import DomainError


def fields_at_fault(build: Callable[[], object]) -> list[str | None]:
    with pytest.raises(DomainError) as raised:
        build()
    return [e.field for e in raised.value.each()]


def test_a_part_is_stored_with_an_upper_case_sku_and_tax_code() -> None:
    part = Part(
        "PART-001", " brk-pad-f ", " Front pads ", Decimal("89.99"), tax_code="taxable_goods"
    )
    assert (part.sku, part.name, part.tax_code) == ("BRK-PAD-F", "Front pads", "TAXABLE_GOODS")
    assert part.availability is Availability.IN_STOCK


def test_a_part_may_wait_for_its_tax_code() -> None:
    assert Part("P", "SKU", "Name", Decimal("0"), tax_code=" ").tax_code is None


def test_every_faulty_part_field_is_reported() -> None:
    assert fields_at_fault(
        lambda: Part("P", "two words", "", Decimal("-1"), currency_uom_id="", tax_code="8%")
    ) == ["sku", "name", "unitPrice", "currencyUomId", "taxCode"]


@pytest.mark.parametrize("price", ["-0.01", "0.001", "1e16", "Infinity"])
def test_a_price_is_whole_cents_from_zero_up(price: str) -> None:
    assert fields_at_fault(lambda: Part("P", "SKU", "Name", Decimal(price))) == ["unitPrice"]


def test_a_service_category_is_one_upper_case_word() -> None:
    service = Service("S", "Brake check", PricingModel.FLAT_RATE, Decimal("120"), "inspection")
    assert service.category == "INSPECTION"
    assert fields_at_fault(
        lambda: Service("S", "Brake check", "FLAT_RATE", Decimal("1"), "brake check")
    ) == ["category"]


def test_labor_units_and_rates_cannot_be_negative() -> None:
    assert fields_at_fault(
        lambda: Service(
            "S", "Oil", PricingModel.TIME_BASED, Decimal("-1"), "LABOR", Decimal("-0.5")
        )
    ) == ["unitRate", "laborUnits"]


def test_an_edit_goes_through_the_same_checks_and_a_refused_one_changes_nothing() -> None:
    part = Part("P", "SKU", "Name", Decimal("1"))
    assert fields_at_fault(lambda: part.edit(unit_price=None, name="Renamed")) == ["unitPrice"]
    assert (part.unit_price, part.name) == (Decimal("1.00"), "Name")
    part.edit(availability="DISCONTINUED")
    assert part.availability is Availability.DISCONTINUED
