"""Response and resolution targets per priority, judged at an injected `now`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.errors import DomainError
from domain.service_orders.intake import open_service_order
from domain.service_orders.order import ServiceOrder
from domain.service_orders.sla import (
    SlaAlert,
    SlaPolicy,
    SlaState,
    SlaTarget,
    due_alerts,
    sla_clocks,
)
from domain.service_orders.status import Priority

T0 = datetime(2026, 2, 2, 12, tzinfo=UTC)
H = timedelta(hours=1)


def order(priority: str = "HIGH") -> ServiceOrder:
    return open_service_order("SO-100", "t", "CUST-100", "VEH-1", "LOC-1", priority, "x", T0)


def states(o: ServiceOrder, now: datetime) -> tuple[SlaState, SlaState]:
    response, resolution = sla_clocks(o, now)
    return response.state, resolution.state


@pytest.mark.parametrize(
    ("priority", "response", "resolution"),
    [("CRITICAL", 1, 4), ("HIGH", 4, 24), ("MEDIUM", 8, 72), ("LOW", 24, 120)],
)
def test_due_times_count_from_creation_by_the_default_policy_of_the_priority(
    priority: str, response: int, resolution: int
) -> None:
    clocks = sla_clocks(order(priority), T0)
    assert [c.due_at for c in clocks] == [T0 + response * H, T0 + resolution * H]


def test_a_target_is_at_risk_once_80_percent_of_its_window_has_passed() -> None:
    o = order("HIGH")  # response 4 h: at risk from 3 h 12 min
    assert states(o, T0 + timedelta(hours=3, minutes=11))[0] is SlaState.ON_TRACK
    assert states(o, T0 + timedelta(hours=3, minutes=12))[0] is SlaState.AT_RISK


def test_a_target_is_breached_only_after_its_due_time_passes_unmet() -> None:
    o = order("CRITICAL")
    assert states(o, T0 + H)[0] is SlaState.AT_RISK
    assert states(o, T0 + H + timedelta(seconds=1))[0] is SlaState.BREACHED


def test_scheduling_meets_the_response_and_completing_meets_the_resolution() -> None:
    o = order("CRITICAL")
    o.schedule(T0 + 2 * H, T0 + 3 * H, T0 + timedelta(minutes=30), "USER-001")
    o.dispatch("TECH-1", T0 + H, "USER-001")
    o.start_work(T0 + 2 * H, "USER-001")
    o.complete(T0 + 3 * H, "RESOLVED", T0 + 3 * H, "USER-001")
    assert states(o, T0 + 100 * H) == (SlaState.MET, SlaState.MET)
    assert due_alerts(o, T0 + 100 * H) == []


def test_a_target_met_late_counts_as_breached() -> None:
    o = order("CRITICAL")
    o.schedule(T0 + 2 * H, T0 + 3 * H, T0 + 2 * H, "USER-001")
    assert states(o, T0 + 2 * H)[0] is SlaState.BREACHED


def test_a_cancelled_order_stops_its_clocks() -> None:
    o = order("CRITICAL")
    o.cancel("Duplicate", T0 + timedelta(minutes=5), "USER-001")
    assert states(o, T0 + 50 * H) == (SlaState.STOPPED, SlaState.STOPPED)
    assert due_alerts(o, T0 + 50 * H) == []


def test_alerts_name_each_order_and_target_once_with_stable_keys() -> None:
    o = order("CRITICAL")
    now = T0 + 2 * H  # response breached, resolution (4 h) not yet at risk
    assert [a.key for a in due_alerts(o, now)] == ["sla:SO-100:response:breached"]
    later = T0 + timedelta(hours=3, minutes=30)
    alerts = due_alerts(o, later)
    assert [a.key for a in alerts] == [
        "sla:SO-100:response:breached",
        "sla:SO-100:resolution:at_risk",
    ]
    assert [a.key for a in due_alerts(o, later)] == [a.key for a in alerts]


def test_a_breach_alert_names_the_order_its_target_and_when_it_was_due_and_seen() -> None:
    [alert] = due_alerts(order("CRITICAL"), T0 + 2 * H)
    assert alert == SlaAlert(
        order_id="SO-100",
        customer_id="CUST-100",
        priority=Priority.CRITICAL,
        target=SlaTarget.RESPONSE,
        state=SlaState.BREACHED,
        due_at=T0 + H,
        detected_at=T0 + 2 * H,
    )


def test_the_at_risk_share_and_the_targets_are_configurable() -> None:
    policies = {p: SlaPolicy(10 * H, 20 * H, Decimal("0.5")) for p in Priority}
    [alert] = due_alerts(order("LOW"), T0 + 5 * H, policies)
    assert (alert.target, alert.state) == (SlaTarget.RESPONSE, SlaState.AT_RISK)


def test_a_policy_refuses_empty_windows_and_shares_outside_zero_to_one() -> None:
    with pytest.raises(DomainError) as raised:
        SlaPolicy(timedelta(0), -H, Decimal("1.2"))
    assert [e.field for e in raised.value.each()] == [
        "responseWithinMinutes",
        "resolutionWithinMinutes",
        "atRiskShare",
    ]
    with pytest.raises(DomainError) as shorter:
        SlaPolicy(4 * H, H)
    assert shorter.value.field == "resolutionWithinMinutes"


def test_a_policy_promises_nothing_beyond_a_year() -> None:
    with pytest.raises(DomainError) as raised:
        SlaPolicy(timedelta(minutes=2_147_483_647), timedelta(minutes=2_147_483_647))
    assert [e.field for e in raised.value.each()] == [
        "responseWithinMinutes",
        "resolutionWithinMinutes",
    ]
    year = timedelta(days=365)
    assert SlaPolicy(year, year).resolution_within == year
