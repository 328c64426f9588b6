"""The customer, vehicle and location new work (an estimate, a service order) is opened for."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, literal, select

from domain.customers import Customer, Vehicle
from domain.locations import Location
from persistence.repositories.base import TenantRepository, of_tenant
from persistence.repositories.customers.repository import CUSTOMER_COLUMNS, VEHICLE_COLUMNS
from persistence.repositories.locations.repository import LOCATION_COLUMNS
from persistence.tables import customers, locations, vehicles

COLUMNS_BY_PARTY = {
    "customer": CUSTOMER_COLUMNS,
    "vehicle": VEHICLE_COLUMNS,
    "location": LOCATION_COLUMNS,
}


def _labelled(party: str, columns: list[Any]) -> list[ColumnElement[Any]]:
    return [c.label(f"{party}_{c.name}") for c in columns]


PARTIES = select(
    *(c for party, columns in COLUMNS_BY_PARTY.items() for c in _labelled(party, columns))
).select_from(
    select(literal(1).label("one"))
    .subquery("anchor")
    .outerjoin(customers, and_(of_tenant(customers), customers.c.id == bindparam("customer_id")))
    .outerjoin(vehicles, and_(of_tenant(vehicles), vehicles.c.id == bindparam("vehicle_id")))
    .outerjoin(locations, and_(of_tenant(locations), locations.c.id == bindparam("location_id")))
)
"""All three by id in one round trip (one row always; a missing one's columns are NULL):
the checks every creation of work makes cost one statement instead of three."""


class PartiesRepository(TenantRepository):
    async def of_new_work(
        self, customer_id: str, vehicle_id: str, location_id: str
    ) -> tuple[Customer | None, Vehicle | None, Location | None]:
        row = await self._row(
            PARTIES, customer_id=customer_id, vehicle_id=vehicle_id, location_id=location_id
        )
        assert row is not None, "PARTIES always returns its one row"
        values = {
            party: {c.name: row[f"{party}_{c.name}"] for c in columns}
            for party, columns in COLUMNS_BY_PARTY.items()
        }
        customer, vehicle, location = values["customer"], values["vehicle"], values["location"]
        return (
            Customer(**customer) if customer["id"] is not None else None,
            Vehicle(**vehicle) if vehicle["id"] is not None else None,
            Location(**location) if location["id"] is not None else None,
        )
