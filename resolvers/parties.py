"""The parties new work is opened for: a customer, one of their vehicles, a location."""

from __future__ import annotations

from domain.customers import Customer, Vehicle, VehicleNotOwned
from domain.locations import Location, no_location
from resolvers.ports import UnitOfWork


async def parties_of_new_work(
    work: UnitOfWork, customer_id: str, vehicle_id: str, location_id: str
) -> tuple[Customer, Vehicle, Location]:
    """Estimates and service orders share this check, read in one statement, so the same
    mistake gives the same code on both; the first fault wins: an unknown customer, an
    unknown vehicle, another customer's vehicle (VEHICLE_NOT_OWNED), an unknown location.
    """
    customer, vehicle, location = await work.parties.of_new_work(
        customer_id, vehicle_id, location_id
    )
    if customer is None:
        raise work.customers.not_found(customer_id)
    if vehicle is None:
        raise work.vehicles.not_found(vehicle_id)
    if vehicle.customer_id != customer.id:
        raise VehicleNotOwned(
            f"Vehicle '{vehicle_id}' belongs to customer '{vehicle.customer_id}', not to "
            f"'{customer_id}'; choose one of the customer's vehicles.",
            field="vehicleId",
        )
    if location is None:
        raise no_location(location_id)
    return customer, vehicle, location
