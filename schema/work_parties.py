"""The parties every piece of work names, as links a client can follow.

Estimates and service orders both carry a customer, one of the customer's vehicles and
a shop location. Besides their ids, each is an object field, read through the
request's DataLoaders: a page of 100 estimates with their customers costs one customer
statement, not 100. Each link needs the read permission of what it leads to.
"""

from __future__ import annotations

import strawberry

from domain.identity import Permission
from schema.context import Info
from schema.customers.types import Customer, Vehicle
from schema.locations.types import Location
from schema.permissions import requires


@strawberry.type
class WorkParties:
    customer_id: strawberry.ID
    vehicle_id: strawberry.ID
    location_id: strawberry.ID

    @strawberry.field(
        description="The customer the work is for.",
        permission_classes=[requires(Permission.CUSTOMER_READ)],
    )
    async def customer(self, info: Info) -> Customer | None:
        found = await info.context.loaders.customer_by_id.load(str(self.customer_id))
        return None if found is None else Customer.from_domain(found)

    @strawberry.field(
        description="The customer's vehicle the work is on.",
        permission_classes=[requires(Permission.VEHICLE_READ)],
    )
    async def vehicle(self, info: Info) -> Vehicle | None:
        found = await info.context.loaders.vehicle_by_id.load(str(self.vehicle_id))
        return None if found is None else Vehicle.from_domain(found)

    @strawberry.field(
        description="The shop location doing the work.",
        permission_classes=[requires(Permission.LOCATION_READ)],
    )
    async def location(self, info: Info) -> Location | None:
        found = await info.context.loaders.location_by_id.load(str(self.location_id))
        return None if found is None else Location.from_domain(found)
