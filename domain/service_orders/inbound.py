"""What the other domains tell us about service orders (seed 000, "Domain Events Consumed").

The seed names the events, not their payloads; the gateway's contract is:

- TechnicianAssignedEvent (Dispatch): `{"serviceOrderId", "technicianId"}`, marks the
  order DISPATCHED (re-assigning a dispatched order keeps it there);
- PartsConsumedEvent (Inventory): `{"serviceOrderId", "parts": [{"workorderPartId",
  "productId", "sku", "quantity", "unitPrice", "taxCode", "emergency"}]}`, attaches the
  parts (a part id already recorded is skipped, so a re-sent event adds nothing);
- ContractEntitlementValidatedEvent (Contracts): `{"serviceOrderId", "contractId"}`,
  marks the order covered.

A payload that breaks the contract raises InvalidInput; the inbound consumer retries it
and then dead-letters it with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from domain.errors import InvalidInput

TECHNICIAN_ASSIGNED = "TechnicianAssignedEvent"
PARTS_CONSUMED = "PartsConsumedEvent"
CONTRACT_ENTITLEMENT_VALIDATED = "ContractEntitlementValidatedEvent"


def text(payload: Mapping[str, Any], name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{name} must be a non-empty string.", field=name)
    return value.strip()


def _decimal(line: Mapping[str, Any], name: str) -> Decimal:
    value = line.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, str, Decimal)):
        raise InvalidInput(f"{name} must be an exact number.", field=name)
    try:
        return Decimal(value)
    except InvalidOperation:
        raise InvalidInput(f"{name} must be an exact number.", field=name) from None


def consumed_parts(payload: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The parts of a PartsConsumedEvent as PartUsage fields."""
    lines = payload.get("parts")
    if not isinstance(lines, list) or not lines:
        raise InvalidInput("parts must be a non-empty list.", field="parts")
    parts = []
    for line in lines:
        if not isinstance(line, Mapping):
            raise InvalidInput("each part must be an object.", field="parts")
        parts.append(
            {
                "workorder_part_id": text(line, "workorderPartId"),
                "product_id": text(line, "productId"),
                "sku": text(line, "sku"),
                "quantity": _decimal(line, "quantity"),
                "unit_price": _decimal(line, "unitPrice"),
                "tax_code": line.get("taxCode"),
                "emergency": bool(line.get("emergency", False)),
            }
        )
    return parts
