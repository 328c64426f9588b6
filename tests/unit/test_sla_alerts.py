"""Which alert the SLA monitor publishes for an unmet deadline, judged at an injected `now`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.service_orders.dashboard import OpenOrderCount, per_location, start_of_day
from domain.service_orders.sla import SlaTarget
from domain.service_orders.sla_alerts import AlertKind, SlaDeadline, alert_for
from domain.service_orders.status import Priority, ServiceOrderStatus

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
        assert raised.event_type == "SlaAtRiskEvent"


def test_once_warned_nothing_more_is_due_until_the_breach() -> None:
    assert alert_for(deadline(warned=True), T0 + 59 * MINUTE) is None


def test_past_the_due_time_the_breach_is_due_and_carries_the_location() -> None:
    now = T0 + 60 * MINUTE + timedelta(seconds=1)
    raised = alert_for(deadline(), now)
    assert raised is not None and raised.kind is AlertKind.BREACHED
    assert raised.event_type == "SlaBreachedEvent"
    assert raised.alert.key == "sla:SO-7:response:breached"
    assert raised.payload() == {
        "serviceOrderId": "SO-7",
        "customerId": "CUST-1",
        "locationId": "LOC-1",
        "priority": "CRITICAL",
        "target": "RESPONSE",
        "dueAt": "2026-02-02T13:00:00Z",
        "detectedAt": "2026-02-02T13:00:01Z",
    }


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
