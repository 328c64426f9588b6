"""The TrakService quote event (seed 003): `event_name`, `aggregate_type`, `data`, ...

Seed 003 names `event_name`, `aggregate_type` (`quote`), `aggregate_id` (the quote's
UUID), the `data` payload and the `idempotency_key` `quote:{quote_id}:approved:v1`;
the gateway adds `occurred_at`, `tenant_id` and `event_id` in the same snake_case. The
key is derived from the aggregate id, and a record whose key disagrees is refused: a
consumer deduplicating on it would otherwise apply the approval twice or never.
"""

from __future__ import annotations

from domain.instants import utc_text
from subscriptions.wire import json
from subscriptions.wire.errors import MalformedEvent
from subscriptions.wire.event import WireEvent
from subscriptions.wire.fields import parse_instant, require_object, require_str

QUOTE_APPROVED = "trakservice.quote.approved.v1"


def idempotency_key(quote_id: str) -> str:
    return f"quote:{quote_id}:approved:v1"


def encode(event: WireEvent) -> bytes:
    return json.dumps(
        {
            "event_name": event.event_type,
            "aggregate_type": event.aggregate_type,
            "aggregate_id": event.aggregate_id,
            "idempotency_key": idempotency_key(event.aggregate_id),
            "occurred_at": utc_text(event.occurred_at),
            "tenant_id": event.tenant_id,
            "event_id": event.event_id,
            "data": event.payload,
        }
    )


def decode(value: bytes) -> WireEvent:
    document = json.loads(value)
    aggregate_id = require_str(document, "aggregate_id")
    key = require_str(document, "idempotency_key")
    if key != idempotency_key(aggregate_id):
        raise MalformedEvent(
            f"idempotency_key {key!r} does not match aggregate_id {aggregate_id!r} "
            f"(expected {idempotency_key(aggregate_id)!r})"
        )
    return WireEvent(
        event_type=require_str(document, "event_name"),
        aggregate_type=require_str(document, "aggregate_type"),
        aggregate_id=aggregate_id,
        tenant_id=require_str(document, "tenant_id"),
        payload=require_object(document, "data"),
        event_id=require_str(document, "event_id"),
        occurred_at=parse_instant(document, "occurred_at"),
    )
