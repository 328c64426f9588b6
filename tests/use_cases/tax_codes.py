"""The pricing contract's tax codes, and a location set up with some of them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from domain.tax import ItemType
from resolvers.locations.use_cases import create_location
from resolvers.pricing.use_cases import put_tax_code
from tests.use_cases.fakes import FakeUnitOfWork

GOODS = {
    "code": "TAXABLE_GOODS",
    "description": "Taxable parts and materials",
    "rate": Decimal("0.08"),
    "applicable_item_types": (ItemType.PART,),
}
LABOR = {
    "code": "LABOR_TAXABLE",
    "description": "Taxable labor services",
    "rate": Decimal("0.06"),
    "applicable_item_types": (ItemType.LABOR, ItemType.SERVICE),
}
EXEMPT = {
    "code": "TAX_EXEMPT",
    "description": "Tax-exempt items",
    "rate": Decimal("0"),
    "applicable_item_types": tuple(ItemType),
}


async def location_with_codes(
    uow: Callable[[], FakeUnitOfWork],
    location_id: str,
    codes: Sequence[Mapping[str, Any]] = (GOODS, EXEMPT),
    **fields: str,
) -> None:
    await create_location(uow, {"id": location_id, "name": "Shop", **fields})
    for code in codes:
        await put_tax_code(uow, {**code, "location_id": location_id}, None)
