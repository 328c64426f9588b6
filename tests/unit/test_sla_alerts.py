"""Which alert the SLA monitor publishes for an unmet deadline, judged at an injected `now`."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from domain.service_orders.dashboard import OpenOrderCount, per_location, start_of_day
from domain.service_orders.sla import SlaTarget
from domain.service_orders.sla_alerts import (
    AlertKind,
    SlaAtRisk,
    SlaBreached,
    SlaDeadline,
    alert_for,
)
from domain.service_orders.status import Priority, ServiceOrderStatus
from subscriptions.wire.errors import MalformedEvent
from subscriptions.wire.registry import from_wire, to_wire

T0 = datetime(2026, 2, 2, 12, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def deadline(warned: bool = False) -> SlaDeadline:
    """A CRITICAL response target: 1 h window, at risk after 48 min."""
    return SlaDeadline(
        tenant_id="t",
        order_id="SO-7",
        customer_id="CUST-1",
        location_id="LOC-1",
        priority=Priority.CRITICAL,
        target=SlaTarget.RESPONSE,
        at_risk_at=T0 + 48 * MINUTE,
        due_at=T0 + 60 * MINUTE,
        warned=warned,
    )


def test_nothing_is_due_before_the_at_risk_instant() -> None:
    assert alert_for(deadline(), T0 + 47 * MINUTE) is None


def test_a_warning_is_due_from_the_at_risk_instant_until_the_due_time() -> None:
    for now in (T0 + 48 * MINUTE, T0 + 60 * MINUTE):
        raised = alert_for(deadline(), now)
        assert raised is not None and raised.kind is AlertKind.AT_RISK
        assert [type(event) for event in raised.events] == [SlaAtRisk]


def test_once_warned_nothing_more_is_due_until_the_breach() -> None:
    assert alert_for(deadline(warned=True), T0 + 59 * MINUTE) is None


def test_past_the_due_time_the_breach_is_recorded_with_the_location() -> None:
    now = T0 + 60 * MINUTE + timedelta(seconds=1)
    raised = alert_for(deadline(), now)
    assert raised is not None and raised.kind is AlertKind.BREACHED
    assert raised.id == "SO-7:response:breached"
    [event] = raised.events
    assert event == SlaBreached(
        aggregate_id="SO-7",
        tenant_id="t",
        occurred_at=now,
        event_id=event.event_id,
        customer_id="CUST-1",
        location_id="LOC-1",
        priority=Priority.CRITICAL,
        target=SlaTarget.RESPONSE,
        due_at=T0 + 60 * MINUTE,
    )


def test_the_breach_is_published_in_the_seeds_envelope_payload_and_read_back() -> None:
    raised = alert_for(deadline(), T0 + 60 * MINUTE + timedelta(seconds=1))
    assert raised is not None
    [event] = raised.events
    wire = to_wire(event)
    assert (wire.event_type, wire.aggregate_type, wire.aggregate_id) == (
        "SlaBreachedEvent",
        "service_order",
        "SO-7",
    )
    assert wire.payload == {
        "serviceOrderId": "SO-7",
        "customerId": "CUST-1",
        "locationId": "LOC-1",
        "priority": "CRITICAL",
        "target": "RESPONSE",
        "dueAt": "2026-02-02T13:00:00Z",
        "detectedAt": "2026-02-02T13:00:01Z",
    }
    assert from_wire(wire) == event


def test_a_warning_is_published_as_the_gateways_at_risk_event() -> None:
    raised = alert_for(deadline(), T0 + 50 * MINUTE)
    assert raised is not None
    wire = to_wire(raised.events[0])
    assert (wire.event_type, wire.payload["target"]) == ("SlaAtRiskEvent", "RESPONSE")
    assert from_wire(wire) == raised.events[0]


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("target", "response", "target: expected one of RESPONSE, RESOLUTION"),
        ("priority", "URGENT", "priority: Input should be"),
        ("dueAt", "tomorrow", "dueAt: Input should be a valid datetime"),
    ],
)
def test_an_alert_payload_that_breaks_the_contract_names_the_field(
    field: str, value: str, problem: str
) -> None:
    raised = alert_for(deadline(), T0 + 50 * MINUTE)
    assert raised is not None
    wire = to_wire(raised.events[0])
    with pytest.raises(MalformedEvent, match=f"SlaAtRiskEvent payload: {problem}"):
        from_wire(replace(wire, payload={**wire.payload, field: value}))


def test_the_next_alert_of_a_warned_deadline_is_its_breach() -> None:
    assert deadline().next_alert_at() == T0 + 48 * MINUTE
    assert deadline(warned=True).next_alert_at() == T0 + 60 * MINUTE


def test_today_starts_at_midnight_utc_whatever_the_offset_of_now() -> None:
    late_evening_in_new_york = datetime.fromisoformat("2026-02-02T22:30:00-05:00")
    assert start_of_day(late_evening_in_new_york) == datetime(2026, 2, 3, tzinfo=UTC)


def test_the_dashboard_has_a_row_per_location_with_open_orders_or_breaches_today() -> None:
    s = ServiceOrderStatus
    rows = per_location(
        [
            ("LOC-2", OpenOrderCount(s.SCHEDULED, Priority.LOW, 3)),
            ("LOC-2", OpenOrderCount(s.REQUESTED, Priority.HIGH, 2, at_risk=1, breached=1)),
            ("LOC-2", OpenOrderCount(s.REQUESTED, Priority.CRITICAL, 1)),
        ],
        {"LOC-1": 4, "LOC-2": 1},
    )
    assert [
        (r.location_id, r.open_total, r.at_risk, r.breached, r.breaches_today) for r in rows
    ] == [
        ("LOC-1", 0, 0, 0, 4),
        ("LOC-2", 6, 1, 1, 1),
    ]
    assert [(c.status, c.priority) for c in rows[1].open_orders] == [
        (s.REQUESTED, Priority.CRITICAL),
        (s.REQUESTED, Priority.HIGH),
        (s.SCHEDULED, Priority.LOW),
    ]
