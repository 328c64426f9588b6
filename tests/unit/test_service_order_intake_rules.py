"""Rules around an order that need no database: deadlines, standing, people, parts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.errors import DomainError
from domain.service_orders.intake import open_service_order
from domain.service_orders.parts_usage import PartUsage
from domain.service_orders.people import checked_person
from domain.service_orders.sla import SlaPolicy, SlaState, deadlines_for, standing

T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)
POLICY = SlaPolicy(timedelta(hours=1), timedelta(hours=4), Decimal("0.5"))


def fields(error: pytest.ExceptionInfo[DomainError]) -> list[str | None]:
    return [e.field for e in error.value.each()]


def test_deadlines_are_fixed_from_the_policy_at_creation() -> None:
    deadlines = deadlines_for(POLICY, T0)
    assert (deadlines.response_due_at, deadlines.response_at_risk_at) == (
        T0 + timedelta(hours=1),
        T0 + timedelta(minutes=30),
    )
    assert (deadlines.resolution_due_at, deadlines.resolution_at_risk_at) == (
        T0 + timedelta(hours=4),
        T0 + timedelta(hours=2),
    )


def test_standing_moves_from_on_track_to_at_risk_to_breached_and_stops_on_cancel() -> None:
    order = open_service_order("SO-1", "t", "C", "V", "L", "HIGH", "Brakes", T0)
    deadlines = deadlines_for(POLICY, T0)
    early = standing(order, deadlines, T0 + timedelta(minutes=29))
    late = standing(order, deadlines, T0 + timedelta(minutes=30))
    missed = standing(order, deadlines, T0 + timedelta(minutes=61))
    assert (early.at_risk, early.breached) == (False, False)
    assert (late.at_risk, late.breached, late.response) == (True, False, SlaState.AT_RISK)
    assert (missed.breached, missed.resolution) == (True, SlaState.ON_TRACK)
    order.cancel("Gone", T0 + timedelta(minutes=5), "USER-001")
    stopped = standing(order, deadlines, T0 + timedelta(hours=9))
    assert (stopped.response, stopped.resolution) == (SlaState.STOPPED, SlaState.STOPPED)


def test_a_person_needs_an_id_a_name_roles_in_capitals_and_locations() -> None:
    person, name = checked_person(" TECH-1 ", " Pat ", ["TECHNICIAN"], ["LOC-001"])
    assert (person.person_id, name, person.roles) == ("TECH-1", "Pat", frozenset({"TECHNICIAN"}))
    with pytest.raises(DomainError) as refused:
        checked_person("", "", ["tech"], [""])
    assert fields(refused) == ["personId", "name", "roles", "locationIds"]


def test_part_quantities_and_prices_fit_what_is_stored() -> None:
    with pytest.raises(DomainError) as refused:
        PartUsage("P", "PR", "S", Decimal("0.00001"), Decimal("1e9"), None)
    assert fields(refused) == ["quantity", "unitPrice"]
