"""Tax per line, rounded half-up to the cent, without I/O."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.errors import DomainError
from domain.tax import ItemType, TaxableItem, TaxCode, calculate_tax

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


def line(item_id: str, item_type: ItemType, subtotal: str, code: str | None) -> TaxableItem:
    return TaxableItem(item_id, item_type, Decimal(subtotal), code)


def failures(items: list[TaxableItem]) -> list[tuple[str, str | None]]:
    with pytest.raises(DomainError) as raised:
        calculate_tax(items, CODES, "USD")
    return [(e.code, e.field) for e in raised.value.each()]


def test_the_seed_estimate_comes_out_exactly_as_the_pricing_contract_shows() -> None:
    result = calculate_tax(
        [
            line("EST-ITEM-001", ItemType.PART, "89.99", "TAXABLE_GOODS"),
            line("EST-ITEM-002", ItemType.LABOR, "60.00", "LABOR_TAXABLE"),
        ],
        CODES,
        "USD",
    )
    assert [(i.item_id, str(i.tax_amount), str(i.line_total)) for i in result.items] == [
        ("EST-ITEM-001", "7.20", "97.19"),
        ("EST-ITEM-002", "3.60", "63.60"),
    ]
    assert (str(result.subtotal), str(result.total_tax), str(result.grand_total)) == (
        "149.99",
        "10.80",
        "160.79",
    )
    assert result.currency_uom_id == "USD"


def test_half_a_cent_of_tax_rounds_up() -> None:
    result = calculate_tax([line("1", ItemType.PART, "0.25", "taxable_goods")], CODES, "USD")
    assert str(result.items[0].tax_amount) == "0.02"


def test_the_total_tax_is_the_sum_of_the_rounded_lines() -> None:
    items = [line(str(n), ItemType.PART, "0.06", "TAXABLE_GOODS") for n in range(3)]
    result = calculate_tax(items, CODES, "USD")
    assert [str(i.tax_amount) for i in result.items] == ["0.00", "0.00", "0.00"]
    assert str(result.total_tax) == "0.00"


def test_an_estimate_without_lines_has_no_tax() -> None:
    result = calculate_tax([], CODES, "EUR")
    assert (result.items, result.grand_total, result.currency_uom_id) == ([], 0, "EUR")


def test_every_faulty_line_is_named_by_its_position() -> None:
    assert failures(
        [
            line("A", ItemType.PART, "1.00", "TAXABLE_GOODS"),
            line("B", ItemType.PART, "1.00", None),
            line("C", ItemType.FEE, "1.00", "TAXABLE_GOODS"),
            line("D", ItemType.PART, "1.00", "CITY"),
            line("E", ItemType.PART, "1.001", ""),
        ]
    ) == [
        ("MISSING_TAX_CODE", "items[1].taxCode"),
        ("TAX_CODE_NOT_APPLICABLE", "items[2].taxCode"),
        ("TAX_CODE_NOT_CONFIGURED", "items[3].taxCode"),
        ("BAD_USER_INPUT", "items[4].subtotal"),
        ("MISSING_TAX_CODE", "items[4].taxCode"),
    ]


def test_a_negative_or_impossible_subtotal_is_refused() -> None:
    assert failures([line("A", ItemType.PART, "-0.01", "TAXABLE_GOODS")]) == [
        ("BAD_USER_INPUT", "items[0].subtotal")
    ]
    assert failures([line("A", ItemType.PART, "NaN", "TAXABLE_GOODS")]) == [
        ("BAD_USER_INPUT", "items[0].subtotal")
    ]


@pytest.mark.parametrize("rate", ["1", "8", "-0.01", "0.0000001"])
def test_a_rate_must_be_a_fraction_below_one_with_at_most_six_places(rate: str) -> None:
    with pytest.raises(DomainError) as raised:
        TaxCode("LOC-001", "CITY", "City tax", Decimal(rate), (ItemType.PART,))
    assert raised.value.field == "rate"


def test_a_tax_code_covers_at_least_one_item_type_and_lists_them_in_a_stable_order() -> None:
    with pytest.raises(DomainError) as raised:
        TaxCode("LOC-001", "CITY", "City tax", Decimal("0.01"), ())
    assert raised.value.field == "applicableItemTypes"
    code = TaxCode("LOC-001", " city ", "City", Decimal("0.010000"), (ItemType.FEE, ItemType.PART))
    assert (code.code, str(code.rate), code.applicable_item_types) == (
        "CITY",
        "0.01",
        (ItemType.PART, ItemType.FEE),
    )
