"""Catalog search against the real database: matching, paging, tenancy and the index."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Availability, DuplicateSku, Part, PricingModel, Service
from domain.paging import PageRequest
from persistence.repositories.base import contains
from persistence.tables import parts
from persistence.unit_of_work import UnitOfWork

FIRST_PAGE = PageRequest(0, 20)


def a_tenant() -> str:
    return f"t-{uuid.uuid4().hex[:10]}"


async def add_parts(engine: AsyncEngine, tenant: str, *found: Part) -> None:
    async with UnitOfWork(engine, tenant) as work:
        for part in found:
            await work.parts.add(part)
        await work.commit()


async def search(
    engine: AsyncEngine, tenant: str, term: str | None, **filters: object
) -> list[str]:
    async with UnitOfWork(engine, tenant) as work:
        found = await work.parts.search(
            term, filters.get("category_id"), filters.get("availability"), FIRST_PAGE
        )
    return [part.id for part in found]


async def test_parts_are_found_by_any_part_of_sku_name_or_description_in_any_case(
    engine: AsyncEngine,
) -> None:
    tenant = a_tenant()
    await add_parts(
        engine,
        tenant,
        Part("P-1", "BRK-PAD-F", "Front Brake Pad Set", Decimal("89.99"), "OEM pads, front axle"),
        Part("P-2", "FLT-OIL", "Oil Filter", Decimal("9.99"), "Spin-on filter"),
    )
    assert await search(engine, tenant, "pad-f") == ["P-1"]
    assert await search(engine, tenant, "BRAKE PAD") == ["P-1"]
    assert await search(engine, tenant, "front axle") == ["P-1"]
    assert await search(engine, tenant, "filter") == ["P-2"]
    assert await search(engine, tenant, None) == ["P-1", "P-2"]


async def test_percent_and_underscore_in_a_search_match_themselves_only(
    engine: AsyncEngine,
) -> None:
    tenant = a_tenant()
    await add_parts(
        engine,
        tenant,
        Part("P-1", "OIL-100", "100% Synthetic Oil", Decimal("30")),
        Part("P-2", "OIL-1000", "1000 Synthetic Oil", Decimal("30")),
        Part("P-3", "CAB_FLT", "Cabin filter", Decimal("20")),
        Part("P-4", "CABXFLT", "Cabin filter, premium", Decimal("25")),
    )
    assert await search(engine, tenant, "100%") == ["P-1"]
    assert await search(engine, tenant, "cab_") == ["P-3"]


async def test_another_tenants_parts_are_never_found_nor_counted(engine: AsyncEngine) -> None:
    mine, theirs = a_tenant(), a_tenant()
    await add_parts(engine, mine, Part("P-1", "BRK-1", "Brake Rotor", Decimal("50")))
    await add_parts(engine, theirs, Part("P-1", "BRK-1", "Brake Rotor", Decimal("55")))
    async with UnitOfWork(engine, theirs) as work:
        assert await work.parts.count("rotor", None, None) == 1
        found = await work.parts.get("P-1")
    assert found is not None and found.unit_price == Decimal("55.00")
    async with UnitOfWork(engine, a_tenant()) as work:
        assert await work.parts.get("P-1") is None
        assert await work.parts.count(None, None, None) == 0


async def test_filters_combine_with_the_search_term(engine: AsyncEngine) -> None:
    tenant = a_tenant()
    await add_parts(
        engine,
        tenant,
        Part("P-1", "BRK-1", "Brake Rotor", Decimal("50")),
        Part("P-2", "BRK-2", "Brake Drum", Decimal("50"), availability=Availability.DISCONTINUED),
    )
    assert await search(engine, tenant, "brake", availability=Availability.DISCONTINUED) == ["P-2"]
    assert await search(engine, tenant, "brake", category_id="CAT-NONE") == []


async def test_a_sku_taken_by_a_concurrent_write_is_duplicate_sku(engine: AsyncEngine) -> None:
    tenant = a_tenant()
    await add_parts(engine, tenant, Part("P-1", "BRK-1", "Brake Rotor", Decimal("50")))
    async with UnitOfWork(engine, tenant) as work:
        with pytest.raises(DuplicateSku) as raised:
            await work.parts.add(Part("P-2", "brk-1", "Other rotor", Decimal("50")))
        assert raised.value.field == "sku"
        assert await work.parts.exists("P-1")


async def test_services_are_searched_by_name_category_and_pricing_model(
    engine: AsyncEngine,
) -> None:
    tenant = a_tenant()
    async with UnitOfWork(engine, tenant) as work:
        await work.services.add(
            Service("S-1", "Brake Inspection", PricingModel.FLAT_RATE, Decimal("120"), "INSPECTION")
        )
        await work.services.add(
            Service("S-2", "Brake Bleed", PricingModel.TIME_BASED, Decimal("95"), "LABOR")
        )
        await work.commit()
    async with UnitOfWork(engine, tenant) as work:
        by_name = await work.services.search("brake", None, None, FIRST_PAGE)
        by_category = await work.services.search(None, "labor", None, FIRST_PAGE)
        by_model = await work.services.search(None, None, PricingModel.FLAT_RATE, FIRST_PAGE)
    assert [s.id for s in by_name] == ["S-2", "S-1"]
    assert [s.id for s in by_category] == ["S-2"]
    assert [s.id for s in by_model] == ["S-1"]


async def test_a_search_term_can_be_served_by_the_trigram_index(engine: AsyncEngine) -> None:
    statement = select(parts.c.id).where(contains(parts.c.search_text, "brake"))
    compiled = statement.compile(engine.sync_engine, compile_kwargs={"literal_binds": True})
    async with engine.connect() as connection, connection.begin():
        await connection.execute(text("SET LOCAL enable_seqscan = off"))
        plan = (await connection.execute(text(f"EXPLAIN {compiled}"))).scalars().all()
    assert any("ix_parts_search_trgm" in row for row in plan), plan
