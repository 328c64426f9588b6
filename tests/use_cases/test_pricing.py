"""Tax use cases on the in-memory unit of work: a location's own codes, in its currency."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from domain.errors import DomainError
from domain.tax import ItemType, TaxableItem
from resolvers.locations.use_cases import create_location
from resolvers.pricing import use_cases
from tests.use_cases.fakes import FakeUnitOfWork
from tests.use_cases.outcomes import refusal
from tests.use_cases.tax_codes import GOODS, location_with_codes

Units = Callable[[], FakeUnitOfWork]


async def test_a_location_in_euros_totals_in_euros(uow: Units) -> None:
    await location_with_codes(uow, "LOC-EU", currency_uom_id="EUR", time_zone="Europe/Berlin")
    fee = TaxableItem("1", ItemType.FEE, Decimal("10"), "TAX_EXEMPT")
    taxed = await use_cases.calculate_location_tax(uow, "LOC-EU", [fee])
    assert (taxed.currency_uom_id, taxed.grand_total) == ("EUR", Decimal("10.00"))


async def test_a_tax_code_of_another_location_is_not_configured_here(uow: Units) -> None:
    await location_with_codes(uow, "LOC-001")
    await create_location(uow, {"id": "LOC-002", "name": "Branch"})
    lines = [
        TaxableItem("EST-ITEM-001", ItemType.PART, Decimal("89.99"), "TAXABLE_GOODS"),
        TaxableItem("EST-ITEM-002", ItemType.LABOR, Decimal("60.00"), "TAX_EXEMPT"),
    ]
    with pytest.raises(DomainError) as refused:
        await use_cases.calculate_location_tax(uow, "LOC-002", lines)
    assert refusal(refused) == [
        ("TAX_CODE_NOT_CONFIGURED", "items[0].taxCode"),
        ("TAX_CODE_NOT_CONFIGURED", "items[1].taxCode"),
    ]
    assert "not available for this location" in refused.value.each()[0].message
    assert await use_cases.tax_codes(uow, "LOC-002", None) == []
    taxed = await use_cases.calculate_location_tax(uow, "LOC-001", lines)
    assert (taxed.total_tax, taxed.grand_total) == (Decimal("7.20"), Decimal("157.19"))


async def test_an_unknown_or_another_tenants_location_is_location_not_found(
    uow: Units, stranger: Units
) -> None:
    await location_with_codes(uow, "LOC-001")
    line = TaxableItem("A", ItemType.PART, Decimal("1.00"), "TAXABLE_GOODS")
    for call in (
        use_cases.calculate_location_tax(uow, "LOC-404", [line]),
        use_cases.tax_codes(uow, "LOC-404", None),
        use_cases.put_tax_code(uow, {**GOODS, "location_id": "LOC-404"}, None),
        use_cases.tax_codes(stranger, "LOC-001", None),
        use_cases.calculate_location_tax(stranger, "LOC-001", [line]),
    ):
        with pytest.raises(DomainError) as refused:
            await call
        assert refusal(refused) == [("LOCATION_NOT_FOUND", "locationId")]


async def test_a_rate_typed_as_a_percentage_and_no_item_types_are_both_refused(
    uow: Units,
) -> None:
    await create_location(uow, {"id": "LOC-001", "name": "Shop"})
    with pytest.raises(DomainError) as refused:
        await use_cases.put_tax_code(
            uow,
            {
                "location_id": "LOC-001",
                "code": "CITY_TAX",
                "description": "City tax",
                "rate": Decimal("8"),
                "applicable_item_types": (),
            },
            None,
        )
    assert refusal(refused) == [
        ("BAD_USER_INPUT", "rate"),
        ("BAD_USER_INPUT", "applicableItemTypes"),
    ]
    assert "0.08 for 8%" in refused.value.each()[0].message
    assert await use_cases.tax_codes(uow, "LOC-001", None) == []


async def test_a_tax_code_is_replaced_only_at_the_version_the_administrator_read(
    uow: Units,
) -> None:
    await location_with_codes(uow, "LOC-001")
    goods = {**GOODS, "location_id": "LOC-001"}
    for version in (None, 2):
        with pytest.raises(DomainError) as refused:
            await use_cases.put_tax_code(uow, {**goods, "rate": Decimal("0.5")}, version)
        assert refusal(refused) == [("VERSION_CONFLICT", "version")]
    replaced = await use_cases.put_tax_code(uow, {**goods, "rate": Decimal("0.0825")}, 1)
    assert (replaced.rate, replaced.version) == (Decimal("0.0825"), 2)
    with pytest.raises(DomainError) as refused:
        await use_cases.put_tax_code(uow, {**goods, "code": "CITY_TAX"}, 1)
    assert refusal(refused) == [("VERSION_CONFLICT", "version")]
    stored = await use_cases.tax_codes(uow, "LOC-001", None)
    assert [(c.code, c.rate, c.version) for c in stored] == [
        ("TAXABLE_GOODS", Decimal("0.0825"), 2),
        ("TAX_EXEMPT", Decimal("0"), 1),
    ]
