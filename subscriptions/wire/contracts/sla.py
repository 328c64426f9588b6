"""SLA alerts on the wire: `SlaBreachedEvent` (seed 000's `crm.serviceorders.sla.breached`)
and `SlaAtRiskEvent` (the gateway's own `crm.serviceorders.sla.at_risk`).

Both are CRM envelope events about the order (aggregate type `service_order`) with the
payload `{serviceOrderId, customerId, priority, target, dueAt, detectedAt, locationId}`:
the priority by its name (`CRITICAL`), the target by its name (`RESPONSE`,
`RESOLUTION`), `detectedAt` the event's own instant. Seed 000 names the topic but not
the payload; docs/sla.md says why these fields.
"""

from __future__ import annotations

from typing import Any, TypeVar

from domain.instants import utc_text
from domain.service_orders.sla import SlaTarget
from domain.service_orders.sla_alerts import SlaAlertFacts, SlaAtRisk, SlaBreached
from subscriptions.wire.contract import Contract, parsed, read
from subscriptions.wire.errors import MalformedEvent
from subscriptions.wire.event import WireEvent
from subscriptions.wire.payload_schema import INSTANT, STRING, Schema, names_of, record

A = TypeVar("A", bound=SlaAlertFacts)

FIELDS = {
    "customer_id": "customerId",
    "priority": "priority",
    "due_at": "dueAt",
    "occurred_at": "detectedAt",
    "location_id": "locationId",
}
"""Fact fields read as they are; the target is read by its name (`_target`)."""


def alert_document(event: SlaAlertFacts) -> dict[str, Any]:
    return {
        "serviceOrderId": event.aggregate_id,
        "customerId": event.customer_id,
        "priority": event.priority.value,
        "target": event.target.name,
        "dueAt": utc_text(event.due_at),
        "detectedAt": utc_text(event.occurred_at),
        "locationId": event.location_id,
    }


def _target(wire: WireEvent) -> dict[str, SlaTarget]:
    """The target the payload names (`RESPONSE`); none if absent, for `parsed` to report."""
    if "target" not in wire.payload:
        return {}
    name = wire.payload["target"]
    if not isinstance(name, str) or name not in SlaTarget.__members__:
        raise MalformedEvent(
            f"{wire.event_type} payload: target: expected one of "
            f"{', '.join(SlaTarget.__members__)}, got {name!r}"
        )
    return {"target": SlaTarget[name]}


def _alert(kind: type[A], name: str) -> Contract[A]:
    def fact(wire: WireEvent) -> A:
        facts = {**read(wire.payload, FIELDS), **_target(wire)}
        return parsed(kind, wire, facts, {**FIELDS, "target": "target"})

    return Contract(kind, name, alert_document, fact)


CONTRACTS = (
    _alert(SlaBreached, "SlaBreachedEvent"),
    _alert(SlaAtRisk, "SlaAtRiskEvent"),
)

_ALERT = record(
    SlaAlertFacts,
    {key: value for key, value in FIELDS.items() if key != "occurred_at"},
    serviceOrderId=STRING,
    target=names_of(SlaTarget),
    detectedAt=INSTANT,
)
SCHEMAS: dict[str, Schema] = {"SlaBreachedEvent": _ALERT, "SlaAtRiskEvent": _ALERT}
"""Each contract's payload (subscriptions/wire/payload_schema.py), by its name."""
