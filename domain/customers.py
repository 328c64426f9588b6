"""Customers and their vehicles, with the checks a service clerk expects at the counter."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from domain.checks import check_identifier, check_text
from domain.errors import DomainError, InvalidInput, collect

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{5,30}$")
VIN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")


class CustomerNotFound(DomainError):
    code = "CUSTOMER_NOT_FOUND"


class VehicleNotFound(DomainError):
    code = "VEHICLE_NOT_FOUND"


class VehicleNotOwned(DomainError):
    code = "VEHICLE_NOT_OWNED"


class DuplicateVin(DomainError):
    code = "DUPLICATE_VIN"


def check_email(email: str | None) -> InvalidInput | None:
    if email and not EMAIL.match(email):
        return InvalidInput(
            f"'{email}' is not a valid email address (expected name@example.com).",
            field="email",
        )
    return None


def check_phone(phone: str | None) -> InvalidInput | None:
    if phone and not PHONE.match(phone):
        return InvalidInput(
            f"'{phone}' is not a valid phone number: use digits, spaces, dashes and an "
            "optional leading +.",
            field="phone",
        )
    return None


def normalize_vin(vin: str) -> str:
    return vin.strip().upper()


def check_vin(vin: str | None) -> InvalidInput | None:
    if vin is None or not vin.strip():
        return InvalidInput("A vehicle needs its 17-character VIN.", field="vin")
    value = normalize_vin(vin)
    if len(value) != 17:
        return InvalidInput(
            f"A VIN has exactly 17 characters; '{value}' has {len(value)}.", field="vin"
        )
    if not VIN.match(value):
        bad = sorted({c for c in value if c in "IOQ"} or {c for c in value if not c.isalnum()})
        return InvalidInput(
            f"VIN '{value}' contains {', '.join(repr(c) for c in bad)}: a VIN uses digits "
            "and letters except I, O and Q.",
            field="vin",
        )
    return None


@dataclass(frozen=True, slots=True)
class Customer:
    id: str
    name: str
    email: str | None = None
    phone: str | None = None
    party_id: str | None = None
    billing_terms_id: str | None = None
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def __post_init__(self) -> None:
        collect(
            check_identifier(self.id, "customerId"),
            check_text(self.name, "name", "A customer needs a name."),
            check_email(self.email),
            check_phone(self.phone),
        )

    def with_changes(self, **changes: object) -> Customer:
        """The customer as a clerk edited it; the same checks apply to the result."""
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class Vehicle:
    id: str
    customer_id: str
    vin: str
    unit_number: str | None = None
    description: str | None = None
    license_plate: str | None = None
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def __post_init__(self) -> None:
        collect(
            check_identifier(self.id, "vehicleId"),
            check_text(self.customer_id, "customerId", "A vehicle needs its owner's customerId."),
            check_vin(self.vin),
        )
        object.__setattr__(self, "vin", normalize_vin(self.vin))

    def with_changes(self, **changes: object) -> Vehicle:
        return replace(self, **changes)


CUSTOMER_CREATED = "CustomerCreatedEvent"
CUSTOMER_UPDATED = "CustomerUpdatedEvent"
VEHICLE_REGISTERED = "VehicleRegisteredEvent"
VEHICLE_UPDATED = "VehicleUpdatedEvent"


def customer_facts(customer: Customer) -> dict[str, object]:
    """The CRM events' payload: the customer as the lookup contract shows it."""
    return {
        "customerId": customer.id,
        "partyId": customer.party_id,
        "name": customer.name,
        "email": customer.email,
        "phone": customer.phone,
        "billingTermsId": customer.billing_terms_id,
        "version": customer.version,
    }


def vehicle_facts(vehicle: Vehicle) -> dict[str, object]:
    return {
        "vehicleId": vehicle.id,
        "customerId": vehicle.customer_id,
        "vin": vehicle.vin,
        "unitNumber": vehicle.unit_number,
        "description": vehicle.description,
        "licensePlate": vehicle.license_plate,
        "version": vehicle.version,
    }
