"""Work sessions, parts, the billable snapshot and the GL posting, to the cent."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from domain.errors import DomainError
from domain.finance.periods import FinancialPeriod
from domain.receivables.journal import JournalLine, Side
from domain.service_orders.acknowledgements import (
    RevenueRecorded,
    SalesOrderCreatedForWorkOrder,
    WorkSessionCompleted,
)
from domain.service_orders.events import (
    PartsUsageRecorded,
    ServiceOrderBilled,
    ServiceOrderReadyForBilling,
    ServiceOrderStatusChanged,
    SnapshotFinalized,
    WorkSessionRecorded,
)
from domain.service_orders.intake import open_service_order
from domain.service_orders.order import ServiceOrder
from domain.service_orders.parts_usage import PartUsage
from domain.service_orders.work_sessions import Person, WorkSession
from domain.tax import ItemType, TaxCode

T0 = datetime(2026, 1, 25, 7, tzinfo=UTC)
START, END = datetime(2026, 1, 25, 8, tzinfo=UTC), datetime(2026, 1, 25, 12, 30, tzinfo=UTC)
TECH = Person("TECH-001", frozenset({"TECHNICIAN"}), frozenset({"LOC-001"}))
CLERK = Person("CLERK-1", frozenset({"CLERK"}), frozenset({"LOC-001"}))
CODES = {
    "TAXABLE_GOODS": TaxCode(
        "LOC-001", "TAXABLE_GOODS", "Parts", Decimal("0.08"), (ItemType.PART,)
    ),
    "LABOR_TAX": TaxCode("LOC-001", "LABOR_TAX", "Labor", Decimal("0.08"), (ItemType.LABOR,)),
}
PADS = PartUsage(
    "WOP-001", "PROD-BRAKE-PAD", "BRK-PAD-F", Decimal(2), Decimal("89.99"), "TAXABLE_GOODS"
)
CLOSED_JANUARY = FinancialPeriod(
    "2026-01", date(2026, 1, 1), date(2026, 1, 31), datetime(2026, 2, 3, tzinfo=UTC), "cfo"
)


def session(**changes: object) -> WorkSession:
    values: dict[str, object] = {
        "session_id": "SESSION-001",
        "person_id": "TECH-001",
        "start_time": START,
        "end_time": END,
        "break_duration_minutes": 30,
        "billable_minutes": 240,
        "recorded_by": "TECH-001",
        "recorded_at": END,
    }
    return WorkSession(**{**values, **changes})  # type: ignore[arg-type]


def working_order() -> ServiceOrder:
    order = open_service_order("SO-100", "t", "CUST-001", "VEH-1", "LOC-001", "HIGH", "Brakes", T0)
    order.schedule(START, END, T0, "USER-001")
    order.dispatch("TECH-001", T0, "USER-001")
    order.start_work(START, "USER-001")
    return order


def confirmed(order: ServiceOrder, session_id: str = "SESSION-001") -> None:
    """People confirms a session (work_session.completed)."""
    assert order.acknowledge(
        WorkSessionCompleted(
            aggregate_id=session_id,
            tenant_id="t",
            occurred_at=END,
            workorder_id=order.id,
            person_id="TECH-001",
        )
    )


def snapshot_acknowledged(order: ServiceOrder, snapshot_id: str = "SNAP-001") -> None:
    """Order created the sales order and Accounting recorded the revenue of the snapshot."""
    about = {
        "tenant_id": "t",
        "occurred_at": END,
        "workorder_id": order.id,
        "workorder_snapshot_id": snapshot_id,
    }
    assert order.acknowledge(
        SalesOrderCreatedForWorkOrder(aggregate_id="SALES-1", customer_id="CUST-001", **about)
    )
    assert order.acknowledge(RevenueRecorded(aggregate_id="REV-1", amount=Decimal(1), **about))


def completed_order() -> ServiceOrder:
    order = working_order()
    order.record_work_session(session(), TECH, TECH)
    confirmed(order)
    order.record_parts_usage(PADS)
    order.complete(END, "RESOLVED", END, "USER-001")
    order.events.clear()
    return order


def finalized_order() -> ServiceOrder:
    order = completed_order()
    order.finalize("SNAP-001", END, "SUPER-001", Decimal("60.00"), "LABOR_TAX", CODES, "USD")
    snapshot_acknowledged(order)
    order.events.clear()
    return order


def codes(order: ServiceOrder, ws: WorkSession, person: Person | None, recorder: Person | None):
    with pytest.raises(DomainError) as raised:
        order.record_work_session(ws, person, recorder)
    return [(e.code, e.field) for e in raised.value.each()]


def test_a_session_within_the_rules_is_recorded() -> None:
    order = working_order()
    order.record_work_session(session(), TECH, TECH)
    assert order.work_sessions == [session()]


def test_billable_minutes_may_equal_the_time_worked_minus_breaks_but_not_exceed_it() -> None:
    working_order().record_work_session(session(billable_minutes=240), TECH, TECH)
    assert codes(working_order(), session(billable_minutes=241), TECH, TECH) == [
        ("BILLABLE_MINUTES_EXCEED_WORKED", "billableMinutes")
    ]


def test_a_session_must_start_before_it_ends() -> None:
    assert codes(working_order(), session(end_time=START), TECH, TECH) == [
        ("INVALID_SESSION_TIMES", "endTime")
    ]


def test_an_unknown_person_or_recorder_is_invalid_person_id() -> None:
    assert codes(working_order(), session(), None, None) == [
        ("INVALID_PERSON_ID", "personId"),
        ("INVALID_PERSON_ID", "recordedBy"),
    ]


def test_a_person_from_another_location_is_not_assigned_to_it() -> None:
    elsewhere = Person("TECH-001", frozenset({"TECHNICIAN"}), frozenset({"LOC-999"}))
    assert codes(working_order(), session(), elsewhere, TECH) == [
        ("PERSON_NOT_ASSIGNED_TO_LOCATION", "personId")
    ]


def test_only_a_technician_or_supervisor_may_record_a_session() -> None:
    supervisor = Person("SUP-1", frozenset({"SUPERVISOR"}), frozenset())
    working_order().record_work_session(session(recorded_by="SUP-1"), TECH, supervisor)
    assert codes(working_order(), session(recorded_by="CLERK-1"), TECH, CLERK) == [
        ("RECORDER_ROLE_NOT_ALLOWED", "recordedBy")
    ]


def test_negative_breaks_and_naive_times_are_refused() -> None:
    assert codes(working_order(), session(break_duration_minutes=-1), TECH, TECH) == [
        ("BAD_USER_INPUT", "breakDurationMinutes")
    ]
    naive = session(start_time=START.replace(tzinfo=None))
    assert codes(working_order(), naive, TECH, TECH) == [("BAD_USER_INPUT", "startTime")]


def test_the_same_session_cannot_be_recorded_twice() -> None:
    order = working_order()
    order.record_work_session(session(), TECH, TECH)
    assert codes(order, session(), TECH, TECH) == [("DUPLICATE_WORK_SESSION", "workSessionId")]


def test_work_is_not_recorded_before_it_starts_or_after_finalizing() -> None:
    order = working_order()
    order.cancel("Customer left", END, "USER-001")
    assert codes(order, session(), TECH, TECH)[0][0] == "INVALID_TRANSITION"
    with pytest.raises(DomainError) as raised:
        finalized_order().record_parts_usage(PADS)
    assert raised.value.code == "SNAPSHOT_ALREADY_FINALIZED"


def test_a_part_needs_a_positive_quantity_and_a_price_in_cents() -> None:
    with pytest.raises(DomainError) as raised:
        PartUsage("WOP-2", "P", "S", Decimal(0), Decimal("1.001"), "TAXABLE_GOODS")
    assert [e.field for e in raised.value.each()] == ["quantity", "unitPrice"]


def test_finalizing_gives_the_seed_snapshot_exact_to_the_cent() -> None:
    order = completed_order()
    order.record_parts_usage(PADS.__class__("WOP-9", "P", "S", Decimal(1), Decimal(50), None, True))
    snap = order.finalize(
        "SNAP-001", END, "SUPER-001", Decimal("60.00"), "LABOR_TAX", CODES, "USD", "PO-2026-001"
    )
    assert (snap.parts_total, snap.labor_total, snap.tax_total, snap.grand_total) == (
        Decimal("179.98"),
        Decimal("240.00"),
        Decimal("33.60"),
        Decimal("453.58"),
    )
    usage, ready, finalized = order.events
    assert isinstance(usage, PartsUsageRecorded)
    assert [(p.workorder_part_id, p.declined) for p in usage.parts] == [
        ("WOP-001", False),
        ("WOP-9", True),
    ]
    assert usage.total_cost == Decimal("179.98")
    assert isinstance(ready, ServiceOrderReadyForBilling)
    assert ready.bill == snap.summary()
    assert (ready.bill.grand_total, ready.bill.captured_at) == (Decimal("453.58"), END)
    assert [p.workorder_part_id for p in ready.bill.parts] == ["WOP-001"]
    assert isinstance(finalized, SnapshotFinalized)
    assert (finalized.finalized_by, finalized.po_number) == ("SUPER-001", "PO-2026-001")
    assert (snap.finalized_by, snap.po_number) == ("SUPER-001", "PO-2026-001")


def test_a_recorded_work_session_publishes_the_seed_payload() -> None:
    order = working_order()
    order.events.clear()
    order.record_work_session(session(), TECH, TECH)
    [recorded] = order.events
    assert recorded == WorkSessionRecorded(
        aggregate_id="SO-100",
        tenant_id=recorded.tenant_id,
        occurred_at=END,
        event_id=recorded.event_id,
        work_session_id="SESSION-001",
        person_id="TECH-001",
        location_id="LOC-001",
        start_time=START,
        end_time=END,
        break_duration_minutes=30,
        billable_minutes=240,
        work_type="LABOR",
        recorded_by="TECH-001",
    )


def test_labor_is_rounded_half_up_per_session() -> None:
    order = working_order()
    order.record_work_session(session(billable_minutes=7), TECH, TECH)
    confirmed(order)
    order.complete(END, "RESOLVED", END, "USER-001")
    snap = order.finalize("S", END, "SUP", Decimal("95.00"), "LABOR_TAX", CODES, "USD")
    assert snap.labor_total == Decimal("11.08")  # 7 x 95 / 60 = 11.0833...
    assert snap.tax_total == Decimal("0.89")  # 11.08 x 0.08 = 0.8864


def test_a_line_with_a_missing_tax_code_blocks_finalizing() -> None:
    with pytest.raises(DomainError) as raised:
        completed_order().finalize("S", END, "SUP", Decimal(60), None, CODES, "USD")
    assert raised.value.code == "MISSING_TAX_CODE"


def test_only_a_completed_order_is_finalized_and_only_once() -> None:
    with pytest.raises(DomainError) as early:
        working_order().finalize("S", END, "SUP", Decimal(60), "LABOR_TAX", CODES, "USD")
    with pytest.raises(DomainError) as twice:
        finalized_order().finalize("S2", END, "SUP", Decimal(60), "LABOR_TAX", CODES, "USD")
    assert (early.value.code, twice.value.code) == (
        "INVALID_TRANSITION",
        "SNAPSHOT_ALREADY_FINALIZED",
    )


POSTING = (
    JournalLine("1200", "Accounts Receivable", Side.DEBIT, Decimal("450.00")),
    JournalLine("4100", "Service Revenue", Side.CREDIT, Decimal("450.00")),
)
"""Seed 000's posting of a 450.00 order, as its invoice posts it (no tax)."""


def test_a_billed_order_keeps_its_invoices_posting_and_publishes_its_total() -> None:
    order = completed_order()
    order.work_sessions.clear()
    order.parts[:] = [PADS.__class__("WOP-1", "P", "S", Decimal(1), Decimal("450.00"), "EXEMPT")]
    exempt = TaxCode("LOC-001", "EXEMPT", "Exempt", Decimal(0), (ItemType.PART,))
    order.finalize("S", END, "SUP", Decimal(60), "LABOR_TAX", {"EXEMPT": exempt}, "USD")
    snapshot_acknowledged(order, "S")
    order.events.clear()
    order.bill(
        datetime(2026, 2, 2, 9, tzinfo=UTC), [CLOSED_JANUARY], "USER-001", POSTING, Decimal("450")
    )
    assert order.gl_entries == POSTING
    billed, changed = order.events
    assert isinstance(billed, ServiceOrderBilled)
    assert (billed.customer_id, billed.amount, billed.currency) == (
        "CUST-001",
        Decimal("450.00"),
        "USD",
    )
    assert isinstance(changed, ServiceOrderStatusChanged)
    assert (changed.previous_status, changed.new_status) == ("COMPLETED", "BILLED")


def test_an_order_is_billed_at_most_once_and_a_billed_order_moves_nowhere() -> None:
    order = finalized_order()
    order.bill(datetime(2026, 2, 2, tzinfo=UTC), [], "USER-001", POSTING, Decimal("450.00"))
    for again in (
        lambda: order.bill(
            datetime(2026, 2, 3, tzinfo=UTC), [], "USER-001", POSTING, Decimal("450.00")
        ),
        lambda: order.cancel("Too late", END, "USER-001"),
        lambda: order.schedule(START, END, END, "USER-001"),
        lambda: order.mark_covered("CON-1"),
    ):
        with pytest.raises(DomainError) as raised:
            again()
        assert raised.value.code == "INVALID_TRANSITION" and "is BILLED" in raised.value.message
    assert len(order.gl_entries) == 2


def test_billing_into_a_closed_period_is_refused_and_changes_nothing() -> None:
    order = finalized_order()
    with pytest.raises(DomainError) as raised:
        order.require_billable(datetime(2026, 1, 31, 23, 59, tzinfo=UTC), [CLOSED_JANUARY])
    assert raised.value.code == "FINANCIAL_PERIOD_CLOSED"
    assert order.status == "COMPLETED" and order.gl_entries == () and order.events == []


def test_billing_without_a_finalized_snapshot_is_refused() -> None:
    with pytest.raises(DomainError) as raised:
        completed_order().require_billable(END + timedelta(days=10), [])
    assert raised.value.code == "BILLABLE_SNAPSHOT_MISSING"


def test_billing_dated_before_the_work_was_completed_is_refused() -> None:
    order = finalized_order()
    with pytest.raises(DomainError) as raised:
        order.require_billable(END - timedelta(days=1), [])
    assert (raised.value.code, raised.value.field) == ("BILLING_BEFORE_COMPLETION", "billingDate")
    order.require_billable(END.replace(hour=0, minute=0), [])
