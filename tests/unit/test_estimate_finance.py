"""The cost transactions an approved quote books, and the monthly finance lock (seed 003)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from domain.errors import DomainError
from domain.estimates import QuoteApproved
from domain.finance.quote_costs import (
    CostTransaction,
    CostType,
    MonthLock,
    cost_transactions,
    finance_lock,
)

QUOTE_ID = "6f1c2b1e-8f5a-4c3d-9b2e-7a6d5c4b3a21"


def quote(**changes: Any) -> QuoteApproved:
    facts: dict[str, Any] = {
        "aggregate_id": QUOTE_ID,
        "tenant_id": "tenant-001",
        "occurred_at": datetime(2026, 1, 8, 13, 30, tzinfo=UTC),
        "quote_number": "QT-20260108-0001",
        "total": Decimal("1450.00"),
        "subtotal_services": Decimal("1000.00"),
        "subtotal_materials": Decimal("500.00"),
        "discount_percent": Decimal("0.00"),
        "discount_amount": Decimal("50.00"),
        "approved_at": datetime(2026, 1, 8, 13, 30, tzinfo=UTC),
        "approved_by": "USER-001",
        "valid_until": date(2026, 2, 8),
        "item_count": 3,
    }
    return QuoteApproved(**{**facts, **changes})


def test_an_approved_quote_books_services_as_third_party_and_materials_as_parts() -> None:
    assert cost_transactions(quote()) == [
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
    first = [t.idempotency_key for t in cost_transactions(quote())]
    again = [t.idempotency_key for t in cost_transactions(quote())]
    assert first == again == [f"quote:{QUOTE_ID}:service", f"quote:{QUOTE_ID}:material"]


def test_a_quote_without_materials_books_only_its_services() -> None:
    booked = cost_transactions(quote(subtotal_materials=Decimal("0.00")))
    assert [t.cost_type for t in booked] == [CostType.THIRD_PARTY]


def test_the_booking_month_is_the_utc_day_of_the_approval() -> None:
    late_evening = quote(
        approved_at=datetime(2026, 1, 31, 22, 30, tzinfo=timezone(-timedelta(hours=3)))
    )
    assert cost_transactions(late_evening)[0].booked_on == date(2026, 2, 1)


def test_a_locked_month_reports_finance_locked_and_names_the_month() -> None:
    problem = finance_lock(quote(), [MonthLock(2025, 12), MonthLock(2026, 1)])
    assert problem is not None
    assert problem.code == "FINANCE_LOCKED"
    assert "2026-01" in problem.message
    assert "stays approved" in problem.message


def test_an_open_month_reports_nothing() -> None:
    assert finance_lock(quote(), [MonthLock(2025, 12), MonthLock(2026, 2)]) is None
    assert finance_lock(quote(), []) is None


def test_a_month_lock_names_a_real_month() -> None:
    with pytest.raises(DomainError) as raised:
        MonthLock(2026, 13)
    assert (raised.value.code, raised.value.field) == ("BAD_USER_INPUT", "month")
    for year in (-5, 1899, 2201, 2_147_483_647):
        with pytest.raises(DomainError) as raised:
            MonthLock(year, 1)
        assert (raised.value.code, raised.value.field) == ("BAD_USER_INPUT", "year")
    assert MonthLock(2026, 12).label() == "2026-12"
