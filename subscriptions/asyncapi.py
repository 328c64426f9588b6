"""The AsyncAPI 3.0 document of every Kafka topic the gateway publishes and consumes.

`gateway asyncapi` prints it for the teams on the other side of each topic. Nothing in it
is written by hand: the channels are the registry's routes (`wire/registry.py`, published)
and the inbound routes (`inbound/topics.py`, consumed) with their dead-letter topics and
the partition counts of `topics.TOPICS`; each message is a contract's record, its format's
envelope (CRM/AR envelope, CloudEvents structured JSON, the TrakService quote record)
around the contract's payload schema (`SCHEMAS` beside each contract, declared from the
names and fact types its reader is checked against), with the Kafka headers and key the
gateway sets. Tests send real facts through every contract and hold the records they make,
and every seed example, against this document.

An event type routed but with no contract yet (the gateway reads or publishes no fact of
it) keeps its envelope and an open payload, described as such.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib.metadata import version
from typing import Any

from subscriptions.inbound.dead_letter import PREFIX as DLQ_PREFIX
from subscriptions.inbound.topics import INBOUND, dead_letter_topic, inbound_topics
from subscriptions.topics import TOPICS
from subscriptions.wire import cloudevents
from subscriptions.wire.contracts import (
    acknowledgements,
    credit_control,
    customers,
    estimates,
    finance,
    inventory,
    inventory_pricing,
    payments,
    receivables,
    sales,
    service_orders,
    sla,
)
from subscriptions.wire.headers import (
    AGGREGATE_TYPE,
    CONTENT_TYPE,
    CORRELATION_ID,
    EVENT_ID,
    EVENT_TYPE,
    GATEWAY_SEQUENCE,
    TENANT_ID,
    TRACEPARENT,
)
from subscriptions.wire.payload_schema import INSTANT, STRING, Schema, const, obj, one_of
from subscriptions.wire.quote import QUOTE_APPROVED
from subscriptions.wire.registry import ROUTES, Route, WireFormat, contract_named

ASYNCAPI = "3.0.0"
KAFKA_BINDING = "0.5.0"
SERVER = "kafka"
_NOT_IN_KEYS = re.compile(r"[^A-Za-z0-9_-]")
DEAD_LETTER = "DeadLetteredRecord"

SCHEMAS: Mapping[str, Schema] = {
    **acknowledgements.SCHEMAS,
    **credit_control.SCHEMAS,
    **customers.SCHEMAS,
    **estimates.SCHEMAS,
    **finance.SCHEMAS,
    **inventory.SCHEMAS,
    **inventory_pricing.SCHEMAS,
    **payments.SCHEMAS,
    **receivables.SCHEMAS,
    **sales.SCHEMAS,
    **service_orders.SCHEMAS,
    **sla.SCHEMAS,
}
"""Every contract's payload schema, by the contract's name (the seed's event type)."""

_TRACEPARENT = {
    "type": "string",
    "pattern": "^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$",
    "description": "W3C Trace Context of what caused the event, when it was caused in a trace",
}
_CORRELATION_ID = {
    "type": "string",
    "minLength": 1,
    "maxLength": 128,
    "description": "seed 001's correlationId: the request (or inbound event) that caused "
    "the event; the caller's X-Correlation-Id, else corr-<uuid>",
}
_CLOUDEVENT_DEFAULTED = (
    "datacontenttype",
    "dataschema",
    "durion:domain",
    "durion:version",
    "durion:environment",
)
"""Attributes the gateway writes on every CloudEvent but does not require of another's."""
_INBOUND_GROUP = {
    "kafka": {
        "groupId": {
            **STRING,
            "description": "<KAFKA_GROUP_PREFIX>-inbound, shared by every replica",
        },
        "bindingVersion": KAFKA_BINDING,
    }
}
_UNKNOWN = {
    "type": "object",
    "description": "Routed, but the gateway parses and writes no fact of this event yet: "
    "the payload is the seed's, unchecked.",
}


def payload_schema(event_type: str) -> Schema:
    """The schema of `event_type`'s payload (open if no contract declares one)."""
    return SCHEMAS.get(event_type, _UNKNOWN)


def record_schema(event_type: str, route: Route, *, received: bool) -> Schema:
    """The record value of `event_type` in its route's format; `received` relaxes it to
    what the gateway's decoder requires of another system's record."""
    payload = payload_schema(event_type)
    match route.wire:
        case WireFormat.ENVELOPE:
            return obj(
                {
                    "eventType": const(event_type),
                    "eventId": STRING,
                    "timestamp": INSTANT,
                    "aggregateId": STRING,
                    "tenantId": STRING,
                    "payload": payload,
                }
            )
        case WireFormat.CLOUDEVENTS:
            domain = event_type.split(".")[2]
            return obj(
                {
                    "specversion": const("1.0"),
                    "type": const(event_type),
                    "source": STRING if received else const(f"https://durion.platform/{domain}"),
                    "id": STRING,
                    "time": INSTANT,
                    "datacontenttype": const("application/json"),
                    "subject": {
                        **STRING,
                        "description": "the aggregate's id, then `|` and the id of the record "
                        "the event is about where the seed shows one (`WO-001|SESSION-001`)",
                    },
                    "dataschema": STRING,
                    "traceparent": _TRACEPARENT,
                    "durion:domain": const(domain),
                    "durion:version": const(cloudevents.VERSION),
                    "durion:environment": one_of(cloudevents.ENVIRONMENTS),
                    cloudevents.TENANT_ATTRIBUTE: STRING,
                    "data": _correlated(payload),
                },
                optional=(
                    "traceparent",
                    *(_CLOUDEVENT_DEFAULTED if received else ()),
                ),
            )
        case WireFormat.QUOTE:
            return obj(
                {
                    "event_name": const(event_type),
                    "aggregate_type": const(route.aggregate_type),
                    "aggregate_id": STRING,
                    "idempotency_key": {
                        **STRING,
                        "description": "quote:{aggregate_id}:approved:v1",
                    },
                    "occurred_at": INSTANT,
                    "tenant_id": STRING,
                    "event_id": STRING,
                    "data": payload,
                },
                optional=("occurred_at", "tenant_id", "event_id") if received else (),
            )


def _correlated(payload: Schema) -> Schema:
    """A CloudEvent's `data`: the contract's payload, and seed 001's optional
    `correlationId` beside its fields (the gateway writes it on every event it publishes
    since the outbox kept one)."""
    if "properties" not in payload:
        return payload
    return {**payload, "properties": {**payload["properties"], "correlationId": _CORRELATION_ID}}


def _headers(event_type: str, route: Route, *, received: bool) -> Schema:
    """The Kafka headers of the record: set by every gateway publisher; on a record the
    gateway reads, each is checked against the value when present (`tenant-id` names the
    tenant of a quote record that carries none)."""
    headers = {
        EVENT_ID: STRING,
        EVENT_TYPE: const(event_type),
        TENANT_ID: STRING,
        AGGREGATE_TYPE: const(route.aggregate_type),
        GATEWAY_SEQUENCE: {
            "type": "string",
            "pattern": "^[0-9]+$",
            "description": "the event's place in the gateway's stream (`since` resumes after it)",
        },
        CONTENT_TYPE: const(route.wire.content_type),
        TRACEPARENT: _TRACEPARENT,
        CORRELATION_ID: _CORRELATION_ID,
    }
    optional = list(headers) if received else [TRACEPARENT, CORRELATION_ID]
    return obj(headers, optional=optional)


def _message(event_type: str, route: Route, *, received: bool) -> dict[str, Any]:
    contract = contract_named(event_type)
    message: dict[str, Any] = {
        "name": event_type,
        "title": contract.event_class.__name__ if contract is not None else event_type,
        "contentType": route.wire.content_type,
        "headers": _headers(event_type, route, received=received),
        "payload": record_schema(event_type, route, received=received),
        "bindings": {
            "kafka": {
                "key": {
                    **STRING,
                    "description": "the aggregate's id (one aggregate, one partition)",
                },
                "bindingVersion": KAFKA_BINDING,
            }
        },
    }
    summary = _summary(contract.event_class) if contract is not None else None
    if summary:
        message["summary"] = summary
    return message


def _summary(event_class: type[Any]) -> str | None:
    """The first sentence of the fact's own docstring (a dataclass without one has its
    signature there instead, which says nothing to another team)."""
    written = event_class.__dict__.get("__doc__") or ""
    if not written or written.startswith(f"{event_class.__name__}("):
        return None
    return " ".join(written.split()).split(". ")[0].removesuffix(".") + "."


def _dead_letter_message() -> dict[str, Any]:
    return {
        "name": DEAD_LETTER,
        "title": "A record the gateway could not apply",
        "summary": "The original record's key, value and headers unchanged (replay by "
        "publishing them to the original topic), plus the dlq-* headers saying why.",
        "headers": obj(
            {
                f"{DLQ_PREFIX}reason": one_of(("malformed", "no-handler", "handler-failed")),
                f"{DLQ_PREFIX}error-code": STRING,
                f"{DLQ_PREFIX}error": STRING,
                f"{DLQ_PREFIX}attempts": {"type": "string", "pattern": "^[0-9]+$"},
                f"{DLQ_PREFIX}original-topic": STRING,
                f"{DLQ_PREFIX}original-partition": {"type": "string", "pattern": "^[0-9]+$"},
                f"{DLQ_PREFIX}original-offset": {"type": "string", "pattern": "^[0-9]+$"},
                f"{DLQ_PREFIX}failed-at": INSTANT,
                f"{DLQ_PREFIX}consumer": STRING,
            }
        ),
        "payload": {"description": "the original record's value, byte for byte"},
    }


def key(name: str) -> str:
    """`name` (a topic, an event type) as an AsyncAPI object key: letters, digits, `_`, `-`."""
    return _NOT_IN_KEYS.sub("_", name)


def _channel(topic: str, keys: list[str], summary: str) -> dict[str, Any]:
    return {
        "address": topic,
        "summary": summary,
        "messages": {name: {"$ref": f"#/components/messages/{name}"} for name in keys},
        "bindings": {
            "kafka": {
                "topic": topic,
                "partitions": TOPICS[topic],
                "bindingVersion": KAFKA_BINDING,
            }
        },
    }


def _operation(action: str, topic: str, keys: list[str], summary: str) -> dict[str, Any]:
    return {
        "action": action,
        "summary": summary,
        "channel": {"$ref": f"#/channels/{key(topic)}"},
        "messages": [{"$ref": f"#/channels/{key(topic)}/messages/{name}"} for name in keys],
    }


def _by_topic(routes: Mapping[str, Route]) -> dict[str, dict[str, Route]]:
    found: dict[str, dict[str, Route]] = {}
    for event_type, route in routes.items():
        found.setdefault(route.topic, {})[event_type] = route
    return found


def document() -> dict[str, Any]:
    """The AsyncAPI 3.0 document, as plain JSON values."""
    sent = _by_topic(ROUTES)
    received = _by_topic(INBOUND)
    messages: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for topic in dict.fromkeys([*sent, *received]):
        sends = sent.get(topic, {})
        reads = received.get(topic, {})
        send_keys = [key(t) for t in sends]
        # the gateway reads what it sends here too: another system's record may carry less
        read_keys = [key(f"{t}.received" if t in sends else t) for t in reads]
        for keys, routes, side in ((send_keys, sends, False), (read_keys, reads, True)):
            for name, (event_type, route) in zip(keys, routes.items(), strict=True):
                messages[name] = _message(event_type, route, received=side)
        roles = " and ".join(
            role for role, routes in (("published", sends), ("consumed", reads)) if routes
        )
        channels[key(topic)] = _channel(topic, [*send_keys, *read_keys], f"{roles} by the gateway")
        if sends:
            operations[key(f"send.{topic}")] = _operation(
                "send",
                topic,
                send_keys,
                "The outbox relay publishes each event once, in commit order per aggregate.",
            )
        if reads:
            operations[key(f"receive.{topic}")] = _operation(
                "receive",
                topic,
                read_keys,
                "The inbound consumer applies each event once (its inbox); a record it "
                f"cannot apply goes to {dead_letter_topic(topic)}.",
            )
            operations[key(f"receive.{topic}")]["bindings"] = _INBOUND_GROUP
    messages[DEAD_LETTER] = _dead_letter_message()
    for topic in inbound_topics():
        dlq = dead_letter_topic(topic)
        channels[key(dlq)] = _channel(dlq, [DEAD_LETTER], f"dead letters of {topic}")
        operations[key(f"send.{dlq}")] = _operation(
            "send", dlq, [DEAD_LETTER], "Records of the topic the gateway could not apply."
        )
    return {
        "asyncapi": ASYNCAPI,
        "info": {
            "title": "Field-service gateway events",
            "version": version("field-service-gateway"),
            "description": _DESCRIPTION,
        },
        "defaultContentType": "application/json",
        "servers": {
            SERVER: {
                "host": "{bootstrap}",
                "protocol": "kafka",
                "description": "The broker KAFKA_BOOTSTRAP_SERVERS names (`gateway dev` "
                "prints the embedded one's address).",
                "variables": {"bootstrap": {"default": "127.0.0.1:9092"}},
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


_DESCRIPTION = (
    "Every topic the field-service gateway publishes (its outbox relay) and consumes (its "
    "inbound consumer, one shared group, each event applied once). Three record formats: "
    "the CRM/AR envelope `{eventType, eventId, timestamp, aggregateId, tenantId, payload}` "
    "(seeds 000 and 002), CloudEvents 1.0 structured JSON with seed 001's `durion:*` "
    "attributes and the tenant in `tenantid`, and TrakService's quote record (seed 003), "
    f"`{QUOTE_APPROVED}`. Amounts and quantities are exact JSON numbers, instants ISO 8601 "
    "UTC ending in Z. The record key is the aggregate's id. docs/events.md explains each "
    "payload with examples."
)
