"""Seed 001's fail-closed links on the order: what it awaits, what unblocks it, the alert."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from domain.errors import DomainError
from domain.service_orders.acknowledgements import (
    AcknowledgementOverdue,
    Awaited,
    SalesOrderCreatedForWorkOrder,
    WorkSessionCompleted,
)
from tests.unit.test_service_order_billing import (
    CODES,
    END,
    PADS,
    TECH,
    confirmed,
    session,
    snapshot_acknowledged,
    working_order,
)

LATER = END + timedelta(hours=1)


def refusal(action: object) -> tuple[str, dict[str, str]]:
    with pytest.raises(DomainError) as raised:
        action()  # type: ignore[operator]
    return raised.value.code, dict(raised.value.details)


def test_a_session_awaits_people_and_finalizing_waits_for_it() -> None:
    order = working_order()
    order.record_work_session(session(), TECH, TECH)
    order.record_parts_usage(PADS)
    order.complete(END, "RESOLVED", END, "USER-001")
    [waiting] = order.acknowledgements
    assert (waiting.awaited, waiting.reference, waiting.pending) == (
        Awaited.WORK_SESSION_COMPLETED,
        "SESSION-001",
        True,
    )

    finalize = lambda: order.finalize(  # noqa: E731
        "SNAP-001", END, "SUP", Decimal(60), "LABOR_TAX", CODES, "USD"
    )
    assert refusal(finalize) == (
        "AWAITING_ACKNOWLEDGEMENT",
        {
            "awaitedSystem": "PEOPLE",
            "awaitedEvent": "com.durion.people.work_session.completed",
            "reference": "SESSION-001",
        },
    )
    assert order.snapshot is None

    confirmed(order)
    finalize()
    assert [a.awaited for a in order.acknowledgements if a.pending] == [
        Awaited.SALES_ORDER_CREATED,
        Awaited.REVENUE_RECORDED,
    ]


def test_billing_waits_for_the_sales_order_and_the_revenue_record() -> None:
    order = working_order()
    order.record_work_session(session(), TECH, TECH)
    confirmed(order)
    order.complete(END, "RESOLVED", END, "USER-001")
    order.finalize("SNAP-001", END, "SUP", Decimal(60), "LABOR_TAX", CODES, "USD")

    code, details = refusal(lambda: order.require_billable(LATER, []))
    assert (code, details["awaitedSystem"], details["reference"]) == (
        "AWAITING_ACKNOWLEDGEMENT",
        "ORDER",
        "SNAP-001",
    )
    snapshot_acknowledged(order)
    order.require_billable(LATER, [])
    given = {a.acknowledged_as for a in order.acknowledgements}
    assert given == {"SESSION-001", "SALES-1", "REV-1"}


def test_an_acknowledgement_applied_again_changes_nothing_and_an_unknown_one_is_refused() -> None:
    order = working_order()
    order.record_work_session(session(), TECH, TECH)
    confirmed(order)
    before = list(order.acknowledgements)
    again = WorkSessionCompleted(
        aggregate_id="SESSION-001",
        tenant_id="t",
        occurred_at=LATER,
        workorder_id=order.id,
        person_id="TECH-001",
    )
    assert order.acknowledge(again) is False
    assert order.acknowledgements == before

    stranger = SalesOrderCreatedForWorkOrder(
        aggregate_id="SALES-9",
        tenant_id="t",
        occurred_at=LATER,
        workorder_id=order.id,
        workorder_snapshot_id="SNAP-404",
        customer_id="CUST-001",
    )
    assert refusal(lambda: order.acknowledge(stranger))[0] == "UNKNOWN_ACKNOWLEDGEMENT"


def test_an_acknowledgement_awaited_past_the_time_out_is_flagged_once() -> None:
    order = working_order()
    order.record_work_session(session(), TECH, TECH)
    order.events.clear()
    timeout = timedelta(minutes=5)

    assert order.flag_overdue(END + timeout, timeout) == []
    [late] = order.flag_overdue(END + timeout + timedelta(seconds=1), timeout)
    assert late.reference == "SESSION-001"
    [alert] = order.events
    assert isinstance(alert, AcknowledgementOverdue)
    assert (alert.awaited, alert.reference, alert.awaited_since, alert.timeout_seconds) == (
        Awaited.WORK_SESSION_COMPLETED,
        "SESSION-001",
        END,
        300,
    )
    assert order.acknowledgements[0].overdue_at == END + timeout + timedelta(seconds=1)
    assert order.flag_overdue(LATER, timeout) == []
    confirmed(order)  # a late acknowledgement still unblocks the order
    assert not [a for a in order.acknowledgements if a.pending]


def test_a_cancelled_order_raises_no_alert() -> None:
    order = working_order()
    order.record_work_session(session(), TECH, TECH)
    order.cancel("Customer withdrew", END, "USER-001")
    order.events.clear()
    assert order.flag_overdue(LATER, timedelta(minutes=5)) == []
    assert order.events == []
