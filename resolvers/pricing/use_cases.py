"""Pricing use cases: the tax codes a location offers and the tax on an estimate's lines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from domain.tax import ItemType, TaxableItem, TaxCalculation, TaxCode, calculate_tax
from resolvers.changes import existing
from resolvers.ports import UnitOfWorkFactory


async def tax_codes(
    uow: UnitOfWorkFactory, location_id: str, item_type: ItemType | None
) -> list[TaxCode]:
    async with uow() as work:
        await existing(work.locations, location_id)
        return await work.tax_codes.for_location(location_id, item_type)


async def calculate_location_tax(
    uow: UnitOfWorkFactory, location_id: str, items: Sequence[TaxableItem]
) -> TaxCalculation:
    """Tax at the location's rates, in the location's currency."""
    async with uow() as work:
        where = await existing(work.locations, location_id)
        configured = await work.tax_codes.for_location(location_id)
    return calculate_tax(items, {c.code: c for c in configured}, where.currency_uom_id)


async def put_tax_code(
    uow: UnitOfWorkFactory, fields: Mapping[str, Any], version: int | None
) -> TaxCode:
    """A new tax code without a version; an existing one at the version the administrator
    read."""
    async with uow() as work:
        draft = TaxCode(**fields)
        await existing(work.locations, draft.location_id)
        saved = await work.tax_codes.put(draft, version)
        await work.commit()
        return saved
