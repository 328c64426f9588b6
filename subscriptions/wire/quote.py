"""The TrakService quote event (seed 003): `event_name`, `aggregate_type`, `data`, ...

Seed 003 names `event_name`, `aggregate_type` (`quote`), `aggregate_id` (the quote's
UUID), the `data` payload and the `idempotency_key` `quote:{quote_id}:approved:v1`;
the gateway adds `occurred_at`, `tenant_id` and `event_id` in the same snake_case. The
key is derived from the aggregate id, and a record whose key disagrees is refused: a
consumer deduplicating on it would otherwise apply the approval twice or never.

A record as TrakService itself sends it carries none of the three: its tenant is then
the record's `tenant-id` Kafka header (a record with neither is refused, naming the
header), its event id the idempotency key (so the inbox applies a re-sent approval once)
and its instant the approval's `approved_at`.
"""

from __future__ import annotations

from typing import Any

from domain.instants import utc_text
from subscriptions.wire import json
from subscriptions.wire.errors import MalformedEvent
from subscriptions.wire.event import WireEvent
from subscriptions.wire.fields import parse_instant, require_object, require_str
from subscriptions.wire.headers import TENANT_ID, Headers, header

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


def decode(value: bytes, headers: Headers = ()) -> WireEvent:
    document = json.loads(value)
    aggregate_id = require_str(document, "aggregate_id")
    key = require_str(document, "idempotency_key")
    if key != idempotency_key(aggregate_id):
        raise MalformedEvent(
            f"idempotency_key {key!r} does not match aggregate_id {aggregate_id!r} "
            f"(expected {idempotency_key(aggregate_id)!r})"
        )
    payload = require_object(document, "data")
    stamped = "occurred_at" in document
    return WireEvent(
        event_type=require_str(document, "event_name"),
        aggregate_type=require_str(document, "aggregate_type"),
        aggregate_id=aggregate_id,
        tenant_id=_tenant(document, headers),
        payload=payload,
        event_id=require_str(document, "event_id") if "event_id" in document else key,
        occurred_at=(
            parse_instant(document, "occurred_at")
            if stamped
            else parse_instant(payload, "approved_at")
        ),
    )


def _tenant(document: dict[str, Any], headers: Headers) -> str:
    if "tenant_id" in document:
        return require_str(document, "tenant_id")
    tenant = header(headers, TENANT_ID)
    if not tenant:
        raise MalformedEvent(
            f"the record names no tenant: set its {TENANT_ID!r} Kafka header "
            "(TrakService's record has no tenant_id field)"
        )
    return tenant
