"""The cost transactions an approved quote books, and the monthly finance lock (seed 003)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain.errors import DomainError
from domain.estimates import CostTransaction, CostType, MonthLock, cost_transactions, finance_lock

QUOTE_ID = "6f1c2b1e-8f5a-4c3d-9b2e-7a6d5c4b3a21"


def payload(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "quote_id": QUOTE_ID,
        "quote_number": "QT-20260108-0001",
        "work_order_id": None,
        "status": "approved",
        "total": Decimal("1450.00"),
        "subtotal_services": Decimal("1000.00"),
        "subtotal_materials": Decimal("500.00"),
        "discount_percent": Decimal("0.00"),
        "discount_amount": Decimal("50.00"),
        "approved_at": "2026-01-08T13:30:00Z",
        "approved_by_id": "USER-001",
        "valid_until": "2026-02-08",
        "item_count": 3,
    }
    return {**data, **changes}


def test_an_approved_quote_books_services_as_third_party_and_materials_as_parts() -> None:
    assert cost_transactions(payload()) == [
        CostTransaction(
            f"quote:{QUOTE_ID}:service",
            QUOTE_ID,
            CostType.THIRD_PARTY,
            Decimal("1000.00"),
            date(2026, 1, 8),
        ),
        CostTransaction(
            f"quote:{QUOTE_ID}:material",
            QUOTE_ID,
            CostType.PARTS,
            Decimal("500.00"),
            date(2026, 1, 8),
        ),
    ]


def test_replaying_the_event_yields_the_same_idempotency_keys() -> None:
    first = [t.idempotency_key for t in cost_transactions(payload())]
    again = [t.idempotency_key for t in cost_transactions(payload())]
    assert first == again == [f"quote:{QUOTE_ID}:service", f"quote:{QUOTE_ID}:material"]


def test_a_quote_without_materials_books_only_its_services() -> None:
    booked = cost_transactions(payload(subtotal_materials=Decimal("0.00")))
    assert [t.cost_type for t in booked] == [CostType.THIRD_PARTY]


def test_amounts_read_from_the_wire_as_text_stay_exact() -> None:
    [service, material] = cost_transactions(payload(subtotal_services="0.10", subtotal_materials=3))
    assert (service.amount, material.amount) == (Decimal("0.10"), Decimal(3))


def test_the_booking_month_is_the_utc_day_of_the_approval() -> None:
    late_evening = payload(approved_at="2026-01-31T22:30:00-03:00")
    assert cost_transactions(late_evening)[0].booked_on == date(2026, 2, 1)


def test_an_approval_time_without_a_zone_is_refused() -> None:
    with pytest.raises(DomainError) as raised:
        cost_transactions(payload(approved_at="2026-01-08T13:30:00"))
    assert (raised.value.code, raised.value.field) == ("BAD_USER_INPUT", "approved_at")
    with pytest.raises(DomainError):
        cost_transactions(payload(approved_at=None))


def test_a_locked_month_reports_finance_locked_and_names_the_month() -> None:
    problem = finance_lock(payload(), [MonthLock(2025, 12), MonthLock(2026, 1)])
    assert problem is not None
    assert problem.code == "FINANCE_LOCKED"
    assert "2026-01" in problem.message
    assert "stays approved" in problem.message


def test_an_open_month_reports_nothing() -> None:
    assert finance_lock(payload(), [MonthLock(2025, 12), MonthLock(2026, 2)]) is None
    assert finance_lock(payload(), []) is None


def test_a_month_lock_names_a_real_month() -> None:
    with pytest.raises(DomainError) as raised:
        MonthLock(2026, 13)
    assert (raised.value.code, raised.value.field) == ("BAD_USER_INPUT", "month")
