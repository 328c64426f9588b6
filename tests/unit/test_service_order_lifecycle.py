"""A service order's life: creation, every allowed move and every refused one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.errors import DomainError
from domain.service_orders.events import (
    ServiceOrderCompleted,
    ServiceOrderCreated,
    ServiceOrderScheduled,
    ServiceOrderStatusChanged,
)
from domain.service_orders.intake import open_from_estimate, open_service_order
from domain.service_orders.items import OrderItem
from domain.service_orders.order import ServiceOrder
from domain.service_orders.status import ALLOWED, Priority, ServiceOrderStatus
from domain.tax import ItemType

S = ServiceOrderStatus
T0 = datetime(2026, 2, 2, 12, tzinfo=UTC)
START, END = datetime(2026, 2, 3, 9, tzinfo=UTC), datetime(2026, 2, 3, 12, tzinfo=UTC)
FINISHED = datetime(2026, 2, 3, 11, 45, tzinfo=UTC)


def new_order() -> ServiceOrder:
    return open_service_order(
        "SO-100", "tenant-001", "CUST-100", "VEH-1", "LOC-001", "HIGH", "No heat", T0
    )


def order_in(status: ServiceOrderStatus) -> ServiceOrder:
    order = new_order()
    steps = {
        S.SCHEDULED: lambda: order.schedule(START, END, T0, "USER-001"),
        S.DISPATCHED: lambda: order.dispatch("TECH-001", T0, "USER-001"),
        S.IN_PROGRESS: lambda: order.start_work(START, "USER-001"),
        S.COMPLETED: lambda: order.complete(FINISHED, "RESOLVED", FINISHED, "USER-001"),
    }
    if status is S.CANCELLED:
        order.cancel("Customer called off", T0, "USER-001")
    for step, go in steps.items():
        if status in (S.REQUESTED, S.CANCELLED):
            break
        go()
        if step is status:
            break
    order.events.clear()
    return order


def moves(order: ServiceOrder) -> dict[ServiceOrderStatus, object]:
    return {
        S.SCHEDULED: lambda: order.schedule(START, END, T0, "USER-001"),
        S.DISPATCHED: lambda: order.dispatch("TECH-002", T0, "USER-001"),
        S.IN_PROGRESS: lambda: order.start_work(START, "USER-001"),
        S.COMPLETED: lambda: order.complete(END, "RESOLVED", END, "USER-001"),
        S.CANCELLED: lambda: order.cancel("Duplicate request", T0, "USER-001"),
    }


def test_a_new_order_is_requested_and_records_the_seed_created_event() -> None:
    order = new_order()
    assert order.status is S.REQUESTED
    [created] = order.events
    assert created == ServiceOrderCreated(
        aggregate_id="SO-100",
        tenant_id=created.tenant_id,
        occurred_at=T0,
        event_id=created.event_id,
        customer_id="CUST-100",
        priority=Priority.HIGH,
        status=S.REQUESTED,
    )
    assert created.aggregate_type == "service_order"


def test_a_new_order_reports_every_faulty_field_at_once() -> None:
    with pytest.raises(DomainError) as raised:
        open_service_order("100", "t", " ", "VEH-1", "LOC-1", "URGENT", "", T0.replace(tzinfo=None))
    assert [e.field for e in raised.value.each()] == [
        "serviceOrderId",
        "customerId",
        "priority",
        "description",
        "createdAt",
    ]


ITEM = OrderItem("EST-ITEM-1", ItemType.PART, "Brake pads", Decimal(2), Decimal("89.99"), "TG")


def test_an_approved_estimate_becomes_an_order_carrying_its_lines() -> None:
    order = open_from_estimate(
        "SO-101", "t", "EST-1", "APPROVED", [ITEM], "CUST-1", "VEH-1", "LOC-1", "LOW", "Brakes", T0
    )
    assert order.estimate_id == "EST-1" and order.items == (ITEM,)


def test_an_estimate_not_yet_approved_cannot_become_an_order() -> None:
    with pytest.raises(DomainError) as raised:
        open_from_estimate(
            "SO-1", "t", "EST-1", "DRAFT", [ITEM], "CUST-1", "VEH-1", "LOC-1", "LOW", "x", T0
        )
    assert raised.value.code == "ESTIMATE_NOT_APPROVED" and "DRAFT" in raised.value.message


def test_an_estimate_without_lines_cannot_become_an_order() -> None:
    with pytest.raises(DomainError) as raised:
        open_from_estimate(
            "SO-1", "t", "EST-1", "APPROVED", [], "CUST-1", "VEH-1", "LOC-1", "LOW", "x", T0
        )
    assert raised.value.field == "items"


TARGETS = (S.SCHEDULED, S.DISPATCHED, S.IN_PROGRESS, S.COMPLETED, S.CANCELLED)
# Rescheduling a dispatched order keeps it DISPATCHED (its own test); BILLED is in billing's.
ALL_MOVES = [
    (a, b)
    for a in S
    for b in TARGETS
    if a is not S.BILLED and (a, b) != (S.DISPATCHED, S.SCHEDULED)
]


@pytest.mark.parametrize(("current", "target"), ALL_MOVES)
def test_each_move_is_made_when_allowed_and_refused_naming_the_state_otherwise(
    current: ServiceOrderStatus, target: ServiceOrderStatus
) -> None:
    order = order_in(current)
    move = moves(order)[target]
    if target in ALLOWED[current]:
        move()  # type: ignore[operator]
        assert order.status is target
    else:
        with pytest.raises(DomainError) as raised:
            move()  # type: ignore[operator]
        assert raised.value.code == "INVALID_TRANSITION"
        assert f"is {current}" in raised.value.message
        assert order.status is current and order.events == []


def test_every_status_change_records_previous_and_new_status() -> None:
    order = order_in(S.DISPATCHED)
    order.start_work(START, "USER-001")
    [changed] = order.events
    assert changed == ServiceOrderStatusChanged(
        aggregate_id="SO-100",
        tenant_id=changed.tenant_id,
        occurred_at=START,
        event_id=changed.event_id,
        previous_status=S.DISPATCHED,
        new_status=S.IN_PROGRESS,
        location_id="LOC-001",
        customer_id="CUST-100",
        technician_id="TECH-001",
        changed_by="USER-001",
        estimated_completion_at=END,
    )
    assert changed.aggregate_type == "workorder"


def test_a_status_change_names_the_appointment_and_the_end_of_the_visit_while_it_is_ahead() -> None:
    order = new_order()
    order.schedule(START, END, T0, "ADVISOR-1", appointment_id=" APT-001 ")
    order.dispatch("TECH-001", T0, "dispatch")
    later = END + timedelta(hours=1)
    order.schedule(START, later, T0, "ADVISOR-1")
    order.start_work(START, "TECH-001")
    order.complete(END, "RESOLVED", END, "TECH-001")
    changes = [e for e in order.events if isinstance(e, ServiceOrderStatusChanged)]
    assert [
        (c.new_status, c.changed_by, c.appointment_id, c.estimated_completion_at) for c in changes
    ] == [
        (S.SCHEDULED, "ADVISOR-1", "APT-001", END),
        (S.DISPATCHED, "dispatch", "APT-001", END),
        (S.IN_PROGRESS, "TECH-001", "APT-001", later),
        (S.COMPLETED, "TECH-001", "APT-001", None),
    ]


def test_an_appointment_id_is_at_most_64_characters() -> None:
    with pytest.raises(DomainError) as raised:
        new_order().schedule(START, END, T0, "ADVISOR-1", appointment_id="A" * 65)
    assert raised.value.field == "appointmentId"


def test_scheduling_records_the_seed_scheduled_event_and_the_status_change() -> None:
    order = new_order()
    order.events.clear()
    order.schedule(START, END, T0 + timedelta(minutes=30), "USER-001")
    scheduled, changed = order.events
    assert isinstance(scheduled, ServiceOrderScheduled)
    assert (scheduled.schedule_start, scheduled.schedule_end) == (START, END)
    assert scheduled.occurred_at == T0 + timedelta(minutes=30)
    assert isinstance(changed, ServiceOrderStatusChanged)
    assert (changed.previous_status, changed.new_status) == (S.REQUESTED, S.SCHEDULED)


def test_a_visit_must_start_before_it_ends() -> None:
    with pytest.raises(DomainError) as raised:
        new_order().schedule(END, START, T0, "USER-001")
    assert raised.value.field == "scheduleEnd"


def test_rescheduling_until_work_starts_keeps_the_status_and_the_first_response_time() -> None:
    order = order_in(S.DISPATCHED)
    first = order.first_scheduled_at
    later = START + timedelta(days=1)
    order.schedule(later, later + timedelta(hours=2), T0 + timedelta(hours=5), "USER-001")
    assert order.status is S.DISPATCHED and order.schedule_start == later
    assert order.first_scheduled_at == first == T0
    assert [e.event_type for e in order.events] == ["ServiceOrderScheduled"]


def test_reassigning_a_technician_keeps_the_order_dispatched_without_a_status_event() -> None:
    order = order_in(S.DISPATCHED)
    order.dispatch("TECH-009", T0, "USER-001")
    assert order.technician_id == "TECH-009" and order.events == []


def test_completing_records_the_seed_completed_event() -> None:
    order = order_in(S.IN_PROGRESS)
    order.complete(FINISHED, "RESOLVED", END, "USER-001")
    completed, changed = order.events
    assert isinstance(completed, ServiceOrderCompleted)
    assert (completed.completion_time, completed.resolution_code) == (FINISHED, "RESOLVED")
    assert isinstance(changed, ServiceOrderStatusChanged) and changed.new_status is S.COMPLETED


def test_work_cannot_be_completed_before_it_started_or_without_a_resolution_code() -> None:
    with pytest.raises(DomainError) as early:
        order_in(S.IN_PROGRESS).complete(START - timedelta(minutes=1), "RESOLVED", END, "USER-001")
    with pytest.raises(DomainError) as blank:
        order_in(S.IN_PROGRESS).complete(END, " ", END, "USER-001")
    assert (early.value.field, blank.value.field) == ("completionTime", "resolutionCode")


def test_work_may_be_completed_up_to_now_but_not_later() -> None:
    order = order_in(S.IN_PROGRESS)
    with pytest.raises(DomainError) as future:
        order.complete(END + timedelta(seconds=1), "RESOLVED", END, "USER-001")
    assert (future.value.code, future.value.field) == ("BAD_USER_INPUT", "completionTime")
    assert (order.status, order.completed_at, order.events) == (S.IN_PROGRESS, None, [])
    order.complete(END, "RESOLVED", END, "USER-001")
    assert (order.status, order.completed_at) == (S.COMPLETED, END)


def test_cancelling_needs_a_reason_and_records_it_with_the_status_change() -> None:
    with pytest.raises(DomainError) as raised:
        order_in(S.SCHEDULED).cancel("", T0, "USER-001")
    assert raised.value.field == "reason"
    order = order_in(S.SCHEDULED)
    order.cancel("Customer sold the vehicle", T0, "USER-001")
    [changed] = order.events
    assert isinstance(changed, ServiceOrderStatusChanged)
    assert changed.reason == "Customer sold the vehicle"
    assert order.cancellation_reason == "Customer sold the vehicle"


def test_an_open_order_can_be_marked_covered_by_a_contract() -> None:
    order = order_in(S.IN_PROGRESS)
    order.mark_covered("CON-7")
    assert order.contract_id == "CON-7"


def test_a_cancelled_order_cannot_be_marked_covered() -> None:
    with pytest.raises(DomainError) as raised:
        order_in(S.CANCELLED).mark_covered("CON-7")
    assert raised.value.code == "INVALID_TRANSITION"
