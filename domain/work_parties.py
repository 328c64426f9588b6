"""The parties every piece of work names, by which a list of work is asked for."""

from __future__ import annotations

from enum import StrEnum


class WorkParty(StrEnum):
    """Estimates and service orders are each for a customer, on one of the customer's
    vehicles, at a shop location; `Customer.estimates`, `Vehicle.serviceOrders`... list
    the work of one such party."""

    CUSTOMER = "CUSTOMER"
    VEHICLE = "VEHICLE"
    LOCATION = "LOCATION"
