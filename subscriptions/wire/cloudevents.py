"""Work-order (and inventory) events as CloudEvents 1.0 structured JSON, per seed 001 "Phase 4.4".

The domain (`workexec`, `inventory`) is read from the type `com.durion.{domain}....` and
names `source`, `dataschema` and `durion:domain`.

Every attribute of the seed's base schema is written: `specversion`, `type`
(`com.durion.workexec.{entity}.{action}`, which is also the internal event type),
`source`, `id` (the event id), `time`, `datacontenttype`, `subject`, `dataschema`,
`traceparent`, `durion:domain`, `durion:version`, `durion:environment`, and `data` (the
payload). Decisions the seed leaves open:

- Tenant: the `tenantid` extension attribute. The spec requires attribute names of
  lower-case ASCII letters and digits only; `durion:tenant` would break SDKs that
  validate. (The seed's own `durion:*` names break that rule too; they are kept as the
  seed writes them because they are the contract consumers already read.)
- Subject: the aggregate (work order) id, followed by `|` and the id of the record the
  event is about where the seed shows one: `WO-001|SESSION-001` (`workSessionId`) for a
  work session, `WO-001|SNAP-001` (`workorderSnapshotId`) for a finalized snapshot. The
  event type decides, from the payload, so producers never build wire strings and the
  subject cannot disagree with the data; the decoder reads the aggregate id from the
  first part and refuses a subject that disagrees.
- Trace context: a payload key `traceparent` (W3C `00-{trace}-{span}-{flags}`) is lifted
  out of `data` into the `traceparent` attribute and put back on decode. Without one
  the attribute is omitted, not invented: a made-up trace links to nothing, and a relay
  retrying a record must send the same bytes.
"""

from __future__ import annotations

import re
from typing import Any

from domain.instants import utc_text
from subscriptions.wire import json
from subscriptions.wire.errors import MalformedEvent
from subscriptions.wire.event import WireEvent
from subscriptions.wire.fields import parse_instant, require_object, require_str

VERSION = "v1"
ENVIRONMENTS = ("production", "staging", "development")
DEFAULT_ENVIRONMENT = "development"
TENANT_ATTRIBUTE = "tenantid"
TRACEPARENT = "traceparent"
CORRELATION_ID = "correlationId"
"""Seed 001's field in `data` naming the request that caused the event."""

_TRACEPARENT_FORMAT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")


def workexec_type(entity: str, action: str) -> str:
    """The seed's event type for `action` on a WorkExec `entity`."""
    return f"com.durion.workexec.{entity}.{action}"


# The payload field naming the record an event is about, where the seed's subject names one.
SUBJECT_PARTS: dict[str, str] = {
    workexec_type("workorder", "work_session_recorded"): "workSessionId",
    workexec_type("workorder", "snapshot_finalized"): "workorderSnapshotId",
}


def encode(event: WireEvent, environment: str = DEFAULT_ENVIRONMENT) -> bytes:
    if environment not in ENVIRONMENTS:
        raise ValueError(f"durion:environment must be one of {ENVIRONMENTS}, not {environment!r}")
    data = dict(event.payload)
    traceparent = data.pop(TRACEPARENT, None)
    domain = _domain(event.event_type)
    document: dict[str, Any] = {
        "specversion": "1.0",
        "type": event.event_type,
        "source": f"https://durion.platform/{domain}",
        "id": event.event_id,
        "time": utc_text(event.occurred_at),
        "datacontenttype": "application/json",
        "subject": _subject(event.event_type, event.aggregate_id, data),
        "dataschema": f"https://durion.platform/schemas/{domain}/{VERSION}",
    }
    if traceparent is not None:
        if not _is_traceparent(traceparent):
            raise ValueError(f"payload traceparent {traceparent!r} is not a W3C traceparent")
        document[TRACEPARENT] = traceparent
    document |= {
        "durion:domain": domain,
        "durion:version": VERSION,
        "durion:environment": environment,
        TENANT_ATTRIBUTE: event.tenant_id,
        "data": data,
    }
    return json.dumps(document)


def decode(value: bytes, aggregate_type: str) -> WireEvent:
    document = json.loads(value)
    if document.get("specversion") != "1.0":
        raise MalformedEvent(f"specversion must be '1.0', not {document.get('specversion')!r}")
    content_type = document.get("datacontenttype", "application/json")
    if content_type != "application/json":
        raise MalformedEvent(f"datacontenttype must be application/json, not {content_type!r}")
    require_str(document, "source")
    event_type = require_str(document, "type")
    subject = require_str(document, "subject")
    data = require_object(document, "data")
    aggregate_id = subject.split("|", 1)[0]
    if _subject(event_type, aggregate_id, data) != subject:
        raise MalformedEvent(f"subject {subject!r} does not match the event's data")
    if TRACEPARENT in document:
        traceparent = document[TRACEPARENT]
        if not _is_traceparent(traceparent):
            raise MalformedEvent(f"traceparent {traceparent!r} is not a W3C traceparent")
        data = {**data, TRACEPARENT: traceparent}
    return WireEvent(
        event_type=event_type,
        aggregate_type=aggregate_type,
        aggregate_id=aggregate_id,
        tenant_id=require_str(document, TENANT_ATTRIBUTE),
        payload=data,
        event_id=require_str(document, "id"),
        occurred_at=parse_instant(document, "time"),
    )


def _domain(event_type: str) -> str:
    """The seed's domain of a `com.durion.{domain}.…` type (workexec, inventory)."""
    parts = event_type.split(".")
    return parts[2] if len(parts) > 3 and parts[:2] == ["com", "durion"] else "workexec"


def _subject(event_type: str, aggregate_id: str, data: dict[str, Any]) -> str:
    part = SUBJECT_PARTS.get(event_type)
    if part is None:
        return aggregate_id
    if not isinstance(data.get(part), str):
        raise MalformedEvent(f"a {event_type} event needs the string field {part!r} in its data")
    return f"{aggregate_id}|{data[part]}"


def _is_traceparent(value: object) -> bool:
    match = _TRACEPARENT_FORMAT.match(value) if isinstance(value, str) else None
    return match is not None and match[1] != "ff" and match[2] != "0" * 32 and match[3] != "0" * 16
