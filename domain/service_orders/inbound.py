"""What the other domains tell us about service orders (seed 000, "Domain Events Consumed").

Facts as Dispatch, Inventory and Contracts report them, already parsed from their
documents at the boundary (`subscriptions/wire/contracts/service_orders.py`): typed,
but not yet judged. The handlers apply them to the order through its own rules, so a
fact the order refuses fails there with the rule's error code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class TechnicianAssigned(DomainEvent):
    """Dispatch assigned a technician: the order is DISPATCHED (again, if reassigned)."""

    aggregate_type = "technician_assignment"

    service_order_id: str
    technician_id: str


@dataclass(frozen=True, slots=True)
class ConsumedPart:
    workorder_part_id: str
    product_id: str
    sku: str
    quantity: Decimal
    unit_price: Decimal
    tax_code: str | None = None
    emergency: bool = False


@dataclass(frozen=True, kw_only=True)
class PartsConsumed(DomainEvent):
    """Inventory issued parts for the order; a part id already recorded adds nothing."""

    aggregate_type = "parts_usage"

    service_order_id: str
    parts: tuple[ConsumedPart, ...]


@dataclass(frozen=True, kw_only=True)
class ContractEntitlementValidated(DomainEvent):
    """Contracts confirmed that a contract covers the order's work."""

    aggregate_type = "contract_entitlement"

    service_order_id: str
    contract_id: str


@dataclass(frozen=True, kw_only=True)
class AppointmentUpdated(DomainEvent):
    """ShopMgmt moved appointment `aggregate_id` of an order (seed 001, fail-open): recorded
    and shown beside the order, never acted on (domain/service_orders/appointments.py)."""

    aggregate_type = "appointment"

    service_order_id: str
    status: str
    scheduled_start: datetime | None = None
    scheduled_end: datetime | None = None
    reason: str | None = None
