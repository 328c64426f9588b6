"""Event names and payload helpers for what a service order records.

The names are the contracts' own: seed 000's CRM envelope events and seed 001's
work-order CloudEvents types, matching the routes the gateway publishes on. Payload
values follow `domain.events`: Decimal amounts and ISO 8601 UTC strings ending in `Z`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from domain.errors import InvalidInput
from domain.events import DomainEvent, SeedEvent

SERVICE_ORDER = "service_order"
WORK_ORDER = "workorder"

CREATED = "ServiceOrderCreatedEvent"
SCHEDULED = "ServiceOrderScheduledEvent"
COMPLETED = "ServiceOrderCompletedEvent"
BILLED = "ServiceOrderBilledEvent"

_WORKEXEC = "com.durion.workexec.workorder."
STATUS_CHANGED = _WORKEXEC + "status_changed"
READY_FOR_BILLING = _WORKEXEC + "ready_for_billing"
WORK_SESSION_RECORDED = _WORKEXEC + "work_session_recorded"
PARTS_USAGE_RECORDED = _WORKEXEC + "parts_usage_recorded"
SNAPSHOT_FINALIZED = _WORKEXEC + "snapshot_finalized"

_AGGREGATE_OF = {
    CREATED: SERVICE_ORDER,
    SCHEDULED: SERVICE_ORDER,
    COMPLETED: SERVICE_ORDER,
    BILLED: SERVICE_ORDER,
    STATUS_CHANGED: WORK_ORDER,
    READY_FOR_BILLING: WORK_ORDER,
    WORK_SESSION_RECORDED: WORK_ORDER,
    PARTS_USAGE_RECORDED: WORK_ORDER,
    SNAPSHOT_FINALIZED: WORK_ORDER,
}


def utc_text(instant: datetime) -> str:
    """An instant as the contracts write it: ISO 8601 in UTC with a trailing `Z`."""
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


def check_instant(instant: datetime | None, field: str) -> InvalidInput | None:
    """Instants must carry a time zone, or 09:00 means a different hour per server."""
    if instant is None:
        return InvalidInput(f"Enter {field} as a date and time.", field=field)
    if instant.tzinfo is None:
        return InvalidInput(f"{field} needs a time zone, e.g. 2026-02-03T09:00:00Z.", field=field)
    return None


def event(
    event_type: str,
    order_id: str,
    tenant_id: str,
    at: datetime,
    payload: Mapping[str, Any],
) -> DomainEvent:
    """One recorded fact, stamped with the instant the caller gave (never the clock)."""
    return SeedEvent(
        name=event_type,
        kind=_AGGREGATE_OF[event_type],
        aggregate_id=order_id,
        tenant_id=tenant_id,
        payload=dict(payload),
        occurred_at=at,
    )
