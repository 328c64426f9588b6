"""The CRM and AR envelope: `{eventType, eventId, timestamp, aggregateId, tenantId, payload}`.

Seeds 000 (service orders) and 002 (accounts receivable) publish every event in this
envelope, with the business fields under `payload` in the contract's own names. The
envelope has no aggregate type, so the decoder takes it from the caller (the record's
`aggregate-type` header, else the registry).
"""

from __future__ import annotations

from domain.instants import utc_text
from subscriptions.wire import json
from subscriptions.wire.event import WireEvent
from subscriptions.wire.fields import parse_instant, require_object, require_str


def encode(event: WireEvent) -> bytes:
    return json.dumps(
        {
            "eventType": event.event_type,
            "eventId": event.event_id,
            "timestamp": utc_text(event.occurred_at),
            "aggregateId": event.aggregate_id,
            "tenantId": event.tenant_id,
            "payload": event.payload,
        }
    )


def decode(value: bytes, aggregate_type: str) -> WireEvent:
    document = json.loads(value)
    return WireEvent(
        event_type=require_str(document, "eventType"),
        aggregate_type=aggregate_type,
        aggregate_id=require_str(document, "aggregateId"),
        tenant_id=require_str(document, "tenantId"),
        payload=require_object(document, "payload"),
        event_id=require_str(document, "eventId"),
        occurred_at=parse_instant(document, "timestamp"),
    )
