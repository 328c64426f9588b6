"""Catalog use cases on the in-memory unit of work: ids, SKUs, categories, versions and
the codes and fields a clerk sees when a part or service is refused."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from domain.catalog import Availability, PricingModel
from domain.errors import DomainError
from resolvers.catalog import use_cases
from resolvers.changes import changing
from tests.use_cases.fakes import Database, FakeUnitOfWork
from tests.use_cases.outcomes import refusal

Units = Callable[[], FakeUnitOfWork]


def part(sku: str, name: str, **fields: Any) -> dict[str, Any]:
    return {"sku": sku, "name": name, "unit_price": Decimal("10.00"), **fields}


async def brakes(uow: Units) -> None:
    await use_cases.create_product_category(uow, {"id": "CAT-BRAKES", "name": "Brakes & Rotors"})


async def test_new_part_and_category_ids_come_from_their_series(uow: Units) -> None:
    first = await use_cases.create_part(uow, part("A-1", "First"))
    second = await use_cases.create_part(uow, part("A-2", "Second"))
    category = await use_cases.create_product_category(uow, {"name": "Filters"})
    assert (first.id, second.id, first.version) == ("PART-001", "PART-002", 1)
    assert (category.id, category.name) == ("CAT-001", "Filters")


async def test_a_part_id_already_in_use_or_too_long_is_refused(uow: Units) -> None:
    await use_cases.create_part(uow, part("A-1", "First", id="PART-9"))
    with pytest.raises(DomainError) as refused:
        await use_cases.create_part(uow, part("A-2", "Second", id="PART-9"))
    assert refusal(refused) == [("DUPLICATE_ID", "productId")]
    with pytest.raises(DomainError) as refused:
        await use_cases.create_part(uow, part("A-3", "Third", id="P" * 65))
    assert refusal(refused) == [("BAD_USER_INPUT", "productId")]


async def test_a_sku_already_used_by_another_part_is_duplicate_sku_whatever_its_case(
    uow: Units,
) -> None:
    await use_cases.create_part(uow, part("BRK-PAD-F", "Front pads"))
    rear = await use_cases.create_part(uow, part("BRK-PAD-R", "Rear pads"))
    with pytest.raises(DomainError) as refused:
        await use_cases.create_part(uow, part("brk-pad-f", "Copy"))
    assert refusal(refused) == [("DUPLICATE_SKU", "sku")]
    assert "PART-001" in refused.value.message
    with pytest.raises(DomainError) as refused:
        await use_cases.update_part(uow, rear.id, 1, {"sku": "BRK-PAD-F"})
    assert refusal(refused) == [("DUPLICATE_SKU", "sku")]


async def test_a_part_in_an_unknown_category_is_refused_and_not_stored(
    uow: Units, database: Database
) -> None:
    with pytest.raises(DomainError) as refused:
        await use_cases.create_part(uow, part("X-1", "Thing", category_id="CAT-NOPE"))
    assert refusal(refused) == [("CATEGORY_NOT_FOUND", "categoryId")]
    assert database.tables == {}


async def test_each_faulty_part_field_is_refused_and_nothing_is_stored(
    uow: Units, database: Database
) -> None:
    with pytest.raises(DomainError) as refused:
        await use_cases.create_part(
            uow, {"sku": " ", "name": "", "unit_price": Decimal("-1"), "currency_uom_id": "dollars"}
        )
    assert refusal(refused) == [
        ("BAD_USER_INPUT", "sku"),
        ("BAD_USER_INPUT", "name"),
        ("BAD_USER_INPUT", "unitPrice"),
        ("BAD_USER_INPUT", "currencyUomId"),
    ]
    assert "cannot be negative" in refused.value.each()[2].message
    assert database.tables == {}


async def test_an_edited_part_keeps_what_was_not_sent_and_a_stale_edit_is_refused(
    uow: Units,
) -> None:
    await brakes(uow)
    created = await use_cases.create_part(uow, part("BRK-1", "Rotor", category_id="CAT-BRAKES"))
    edit = {"unit_price": Decimal("12.50"), "availability": Availability.DISCONTINUED}
    edited = await use_cases.update_part(uow, created.id, 1, edit)
    assert (edited.sku, edited.name, edited.unit_price, edited.availability) == (
        "BRK-1",
        "Rotor",
        Decimal("12.50"),
        Availability.DISCONTINUED,
    )
    assert (edited.category_name, edited.version) == ("Brakes & Rotors", 2)
    with pytest.raises(DomainError) as refused:
        await use_cases.update_part(uow, created.id, 1, {"unit_price": Decimal("13")})
    assert refusal(refused) == [("VERSION_CONFLICT", "version")]
    with pytest.raises(DomainError) as refused:
        await use_cases.update_part(uow, created.id, 2, {"category_id": "CAT-NOPE"})
    assert refusal(refused) == [("CATEGORY_NOT_FOUND", "categoryId")]
    stored = await use_cases.part(uow, created.id)
    assert (stored.unit_price, stored.category_id, stored.version) == (
        Decimal("12.50"),
        "CAT-BRAKES",
        2,
    )


async def test_an_unknown_or_another_tenants_part_is_part_not_found(
    uow: Units, stranger: Units
) -> None:
    await use_cases.create_part(uow, part("BRK-1", "Rotor"))
    for call in (
        use_cases.part(stranger, "PART-001"),
        use_cases.update_part(uow, "PART-404", 1, {}),
    ):
        with pytest.raises(DomainError) as refused:
            await call
        assert refusal(refused) == [("PART_NOT_FOUND", "productId")]


async def test_a_service_with_a_negative_rate_or_labor_units_or_two_word_category_is_refused(
    uow: Units, database: Database
) -> None:
    with pytest.raises(DomainError) as refused:
        await use_cases.create_service(
            uow,
            {
                "name": "Oil change",
                "pricing_model": PricingModel.FLAT_RATE,
                "labor_units": Decimal("-0.5"),
                "unit_rate": Decimal("-1"),
                "category": "two words",
            },
        )
    assert [field for _, field in refusal(refused)] == ["unitRate", "laborUnits", "category"]
    assert database.tables == {}


async def test_an_edited_service_moves_its_version_and_an_unknown_one_is_not_found(
    uow: Units,
) -> None:
    created = await use_cases.create_service(
        uow,
        {
            "name": "Diag",
            "pricing_model": PricingModel.FLAT_RATE,
            "unit_rate": Decimal("50"),
            "category": "diagnostic",
        },
    )
    assert (created.id, created.category) == ("SVC-001", "DIAGNOSTIC")
    edited = await use_cases.update_service(uow, "SVC-001", 1, {"unit_rate": Decimal("55.50")})
    assert (edited.unit_rate, edited.pricing_model, edited.version) == (
        Decimal("55.50"),
        PricingModel.FLAT_RATE,
        2,
    )
    with pytest.raises(DomainError) as refused:
        await use_cases.update_service(uow, "SVC-001", 1, {"unit_rate": Decimal("1")})
    assert refusal(refused) == [("VERSION_CONFLICT", "version")]
    stored = await use_cases.service(uow, "SVC-001")
    assert (stored.unit_rate, stored.version) == (Decimal("55.50"), 2)
    for call in (
        use_cases.update_service(uow, "SVC-404", 1, {}),
        use_cases.service(uow, "SVC-404"),
    ):
        with pytest.raises(DomainError) as refused:
            await call
        assert refusal(refused) == [("SERVICE_NOT_FOUND", "serviceId")]


async def test_a_part_changed_meanwhile_makes_the_later_edit_a_version_conflict(
    uow: Units, database: Database
) -> None:
    """Both clerks read version 1; the later commit is refused and stores nothing."""
    created = await use_cases.create_part(uow, part("BRK-1", "Rotor"))
    async with uow() as late:
        async with changing(late.parts, created.id, 1) as edited:
            edited.edit(name="Late rotor")
        await use_cases.update_part(uow, created.id, 1, {"name": "First rotor"})
        with pytest.raises(DomainError) as refused:
            await late.commit()
    assert refusal(refused) == [("VERSION_CONFLICT", "version")]
    stored = await use_cases.part(uow, created.id)
    assert (stored.name, stored.version) == ("First rotor", 2)
    assert database.outbox == [], "the seeds publish no catalog events"
