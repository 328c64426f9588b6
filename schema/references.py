"""The objects a reference leads to, read through the request's DataLoaders.

Parts, locations and customers list what refers to them (stock, prices, work), so the
types that refer to them name them lazily and build them here, on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from schema.context import Info

if TYPE_CHECKING:
    from schema.catalog.types import Part
    from schema.customers.types import Customer
    from schema.locations.types import Location

PartType = Annotated["Part", strawberry.lazy("schema.catalog.types")]
LocationType = Annotated["Location", strawberry.lazy("schema.locations.types")]
CustomerType = Annotated["Customer", strawberry.lazy("schema.customers.types")]


async def part_of(info: Info, product_id: str) -> Part | None:
    from schema.catalog.types import Part

    found = await info.context.loaders.part_by_id.load(product_id)
    return None if found is None else Part.from_domain(found)


async def location_of(info: Info, location_id: str) -> Location | None:
    from schema.locations.types import Location

    found = await info.context.loaders.location_by_id.load(location_id)
    return None if found is None else Location.from_domain(found)


async def customer_of(info: Info, customer_id: str) -> Customer | None:
    from schema.customers.types import Customer

    found = await info.context.loaders.customer_by_id.load(customer_id)
    return None if found is None else Customer.from_domain(found)
