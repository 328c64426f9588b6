"""The parties of new work, read from the in-memory tables (`resolvers/parties.py`)."""

from __future__ import annotations

from domain.customers import Customer, Vehicle
from domain.locations import Location
from tests.use_cases.fakes.memory import Repository, Work


class InMemoryParties:
    def __init__(self, work: Work):
        self._work = work

    async def of_new_work(
        self, customer_id: str, vehicle_id: str, location_id: str
    ) -> tuple[Customer | None, Vehicle | None, Location | None]:
        customer = self._work.read("customers", customer_id)
        vehicle = self._work.read("vehicles", vehicle_id)
        location = self._work.read("locations", location_id)
        return (
            None if customer is None else Customer(**customer),
            None if vehicle is None else Vehicle(**vehicle),
            None if location is None else Location(**location),
        )


class PartiesWork:
    parties = Repository(InMemoryParties)
