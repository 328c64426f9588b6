"""Customers and their vehicles, with the checks a service clerk expects at the counter."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from domain.checks import check_identifier, check_text
from domain.edits import Edited
from domain.errors import DomainError, InvalidInput, collect
from domain.events import DomainEvent
from domain.inventory.credit import check_credit_limit
from domain.inventory.tiers import DEFAULT_TIER, CustomerTier

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


LONGEST_EMAIL = 320
"""RFC 3696's limit: 64 characters before the @, 255 after it."""


def check_email(email: str | None) -> InvalidInput | None:
    if email and len(email) > LONGEST_EMAIL:
        return InvalidInput(
            f"An email address has at most {LONGEST_EMAIL} characters; this one has {len(email)}.",
            field="email",
        )
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


@dataclass(frozen=True, kw_only=True)
class CustomerFacts(DomainEvent):
    """A customer as the CRM lookup shows it, at `version`."""

    aggregate_type = "customer"

    party_id: str | None
    name: str
    email: str | None
    phone: str | None
    billing_terms_id: str | None
    version: int


@dataclass(frozen=True, kw_only=True)
class CustomerCreated(CustomerFacts):
    """A customer was registered."""


@dataclass(frozen=True, kw_only=True)
class CustomerUpdated(CustomerFacts):
    """A clerk edited a customer."""


@dataclass(frozen=True, kw_only=True)
class VehicleFacts(DomainEvent):
    """A vehicle as the CRM lookup shows it, at `version`."""

    aggregate_type = "vehicle"

    customer_id: str
    vin: str
    unit_number: str | None
    description: str | None
    license_plate: str | None
    version: int


@dataclass(frozen=True, kw_only=True)
class VehicleRegistered(VehicleFacts):
    """A customer's vehicle was registered."""


@dataclass(frozen=True, kw_only=True)
class VehicleUpdated(VehicleFacts):
    """A clerk edited a vehicle (its owner, plate, description...)."""


@dataclass(frozen=True, kw_only=True)
class CustomerTierChanged(DomainEvent):
    """A customer moved to another tier (and so to its discount); `version` is the
    customer's after the change, in the same series as `CustomerUpdated`'s."""

    aggregate_type = "customer"

    tier: CustomerTier
    previous_tier: CustomerTier
    version: int


EVENTS = (CustomerCreated, CustomerUpdated, CustomerTierChanged, VehicleRegistered, VehicleUpdated)


@dataclass(eq=False)
class Customer(Edited):
    """A customer of one tenant; registered and edited through the methods below, which
    record what the CRM topics publish."""

    id: str
    name: str
    email: str | None = None
    phone: str | None = None
    party_id: str | None = None
    billing_terms_id: str | None = None
    tier: CustomerTier = DEFAULT_TIER
    credit_limit: Decimal | None = None
    """None: no limit (see domain/inventory/credit.py)."""
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None
    events: list[DomainEvent] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        collect(
            check_identifier(self.id, "customerId"),
            check_text(self.name, "name", "A customer needs a name."),
            check_email(self.email),
            check_phone(self.phone),
            check_credit_limit(self.credit_limit),
        )
        self.tier = CustomerTier(self.tier)

    @classmethod
    def register(cls, tenant_id: str, now: datetime, **details: Any) -> Customer:
        customer = cls(**details)
        customer.events.append(customer._facts(CustomerCreated, tenant_id, now, customer.version))
        return customer

    def edit(self, tenant_id: str, now: datetime, **changes: Any) -> None:
        """The customer as a clerk edited it; the saved version will be one more."""
        self._apply(changes)
        self.events.append(self._facts(CustomerUpdated, tenant_id, now, self.version + 1))

    def set_tier(self, tenant_id: str, now: datetime, tier: CustomerTier) -> None:
        """Move the customer to `tier`; the tier it has already changes nothing."""
        if tier == self.tier:
            return
        previous, self.tier = self.tier, tier
        self.events.append(
            CustomerTierChanged(
                aggregate_id=self.id,
                tenant_id=tenant_id,
                occurred_at=now,
                tier=tier,
                previous_tier=previous,
                version=self.version + 1,
            )
        )

    def _facts(
        self, kind: type[CustomerFacts], tenant_id: str, now: datetime, version: int
    ) -> CustomerFacts:
        return kind(
            aggregate_id=self.id,
            tenant_id=tenant_id,
            occurred_at=now,
            party_id=self.party_id,
            name=self.name,
            email=self.email,
            phone=self.phone,
            billing_terms_id=self.billing_terms_id,
            version=version,
        )


@dataclass(eq=False)
class Vehicle(Edited):
    id: str
    customer_id: str
    vin: str
    unit_number: str | None = None
    description: str | None = None
    license_plate: str | None = None
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None
    events: list[DomainEvent] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        collect(
            check_identifier(self.id, "vehicleId"),
            check_text(self.customer_id, "customerId", "A vehicle needs its owner's customerId."),
            check_vin(self.vin),
        )
        self.vin = normalize_vin(self.vin)

    @classmethod
    def register(cls, tenant_id: str, now: datetime, **details: Any) -> Vehicle:
        vehicle = cls(**details)
        vehicle.events.append(vehicle._facts(VehicleRegistered, tenant_id, now, vehicle.version))
        return vehicle

    def edit(self, tenant_id: str, now: datetime, **changes: Any) -> None:
        self._apply(changes)
        self.events.append(self._facts(VehicleUpdated, tenant_id, now, self.version + 1))

    def _facts(
        self, kind: type[VehicleFacts], tenant_id: str, now: datetime, version: int
    ) -> VehicleFacts:
        return kind(
            aggregate_id=self.id,
            tenant_id=tenant_id,
            occurred_at=now,
            customer_id=self.customer_id,
            vin=self.vin,
            unit_number=self.unit_number,
            description=self.description,
            license_plate=self.license_plate,
            version=version,
        )
