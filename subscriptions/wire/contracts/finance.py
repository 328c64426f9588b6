"""Finance on the wire: Period Close's `FinancialPeriodClosedEvent`, which the gateway reads.

The seed names the event only; the gateway's contract for its payload, in the CRM
envelope (aggregate type `financial_period`): `{"periodId": "2026-01", "periodStart":
"2026-01-01", "periodEnd": "2026-01-31", "closedAt": "2026-02-03T17:00:00Z",
"closedBy": "controller@example.com"}`.
"""

from __future__ import annotations

from typing import Any

from domain.finance.periods import PeriodClosed
from domain.instants import utc_text
from subscriptions.wire.contract import Contract, parsed, read
from subscriptions.wire.event import WireEvent
from subscriptions.wire.payload_schema import Schema, record

PERIOD_CLOSED = {
    "period_id": "periodId",
    "start": "periodStart",
    "end": "periodEnd",
    "closed_at": "closedAt",
    "closed_by": "closedBy",
}


def period_closed_document(event: PeriodClosed) -> dict[str, Any]:
    return {
        "periodId": event.period_id,
        "periodStart": event.start.isoformat(),
        "periodEnd": event.end.isoformat(),
        "closedAt": utc_text(event.closed_at),
        "closedBy": event.closed_by,
    }


def period_closed_fact(wire: WireEvent) -> PeriodClosed:
    return parsed(PeriodClosed, wire, read(wire.payload, PERIOD_CLOSED), PERIOD_CLOSED)


INBOUND = (
    Contract(
        PeriodClosed, "FinancialPeriodClosedEvent", period_closed_document, period_closed_fact
    ),
)
"""Read from Period Close, never published."""

SCHEMAS: dict[str, Schema] = {"FinancialPeriodClosedEvent": record(PeriodClosed, PERIOD_CLOSED)}
"""Each contract's payload (subscriptions/wire/payload_schema.py), by its name."""
