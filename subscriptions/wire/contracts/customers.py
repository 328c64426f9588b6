"""Seed 000's CRM events: customers and vehicles as the lookup contract shows them.

`CustomerCreatedEvent` / `CustomerUpdatedEvent` (`crm.customers.*`) and
`VehicleRegisteredEvent` / `VehicleUpdatedEvent` (`crm.vehicles.*`), in the CRM envelope,
carry the record with its version: `{customerId, partyId, name, email, phone,
billingTermsId, version}` and `{vehicleId, customerId, vin, unitNumber, description,
licensePlate, version}`.
"""

from __future__ import annotations

from typing import Any, TypeVar

from domain.customers import (
    CustomerCreated,
    CustomerFacts,
    CustomerUpdated,
    VehicleFacts,
    VehicleRegistered,
    VehicleUpdated,
)
from subscriptions.wire.contract import Contract, parsed, read
from subscriptions.wire.event import WireEvent
from subscriptions.wire.payload_schema import STRING, Schema, record

C = TypeVar("C", bound=CustomerFacts)
V = TypeVar("V", bound=VehicleFacts)

CUSTOMER_FIELDS = {
    "party_id": "partyId",
    "name": "name",
    "email": "email",
    "phone": "phone",
    "billing_terms_id": "billingTermsId",
    "version": "version",
}
VEHICLE_FIELDS = {
    "customer_id": "customerId",
    "vin": "vin",
    "unit_number": "unitNumber",
    "description": "description",
    "license_plate": "licensePlate",
    "version": "version",
}


def customer_document(event: CustomerFacts) -> dict[str, Any]:
    return {
        "customerId": event.aggregate_id,
        **{field: getattr(event, fact) for fact, field in CUSTOMER_FIELDS.items()},
    }


def vehicle_document(event: VehicleFacts) -> dict[str, Any]:
    return {
        "vehicleId": event.aggregate_id,
        **{field: getattr(event, fact) for fact, field in VEHICLE_FIELDS.items()},
    }


def _customer(kind: type[C], name: str) -> Contract[C]:
    def fact(wire: WireEvent) -> C:
        return parsed(kind, wire, read(wire.payload, CUSTOMER_FIELDS), CUSTOMER_FIELDS)

    return Contract(kind, name, customer_document, fact)


def _vehicle(kind: type[V], name: str) -> Contract[V]:
    def fact(wire: WireEvent) -> V:
        return parsed(kind, wire, read(wire.payload, VEHICLE_FIELDS), VEHICLE_FIELDS)

    return Contract(kind, name, vehicle_document, fact)


CONTRACTS = (
    _customer(CustomerCreated, "CustomerCreatedEvent"),
    _customer(CustomerUpdated, "CustomerUpdatedEvent"),
    _vehicle(VehicleRegistered, "VehicleRegisteredEvent"),
    _vehicle(VehicleUpdated, "VehicleUpdatedEvent"),
)

SCHEMAS: dict[str, Schema] = {
    **{
        name: record(kind, CUSTOMER_FIELDS, customerId=STRING)
        for kind, name in (
            (CustomerCreated, "CustomerCreatedEvent"),
            (CustomerUpdated, "CustomerUpdatedEvent"),
        )
    },
    **{
        name: record(kind, VEHICLE_FIELDS, vehicleId=STRING)
        for kind, name in (
            (VehicleRegistered, "VehicleRegisteredEvent"),
            (VehicleUpdated, "VehicleUpdatedEvent"),
        )
    },
}
"""Each contract's payload (subscriptions/wire/payload_schema.py), by its name."""
