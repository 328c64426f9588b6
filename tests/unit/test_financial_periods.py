"""Closed financial periods: what a FinancialPeriodClosedEvent payload must say."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.errors import InvalidInputs
from domain.finance.periods import (
    FinancialPeriod,
    FinancialPeriodClosed,
    InvalidFinancialPeriod,
    closed_period,
)

PAYLOAD = {
    "periodId": "2026-01",
    "periodStart": "2026-01-01",
    "periodEnd": "2026-01-31",
    "closedAt": "2026-02-03T17:00:00Z",
    "closedBy": "controller@example.com",
}


def test_a_payload_gives_the_period_with_its_dates_and_closing_instant() -> None:
    period = closed_period(PAYLOAD)
    assert period == FinancialPeriod(
        "2026-01",
        date(2026, 1, 1),
        date(2026, 1, 31),
        datetime(2026, 2, 3, 17, tzinfo=UTC),
        "controller@example.com",
    )


def test_a_period_covers_its_first_and_last_day_and_nothing_outside() -> None:
    period = closed_period(PAYLOAD)
    assert period.covers(date(2026, 1, 1)) and period.covers(date(2026, 1, 31))
    assert not period.covers(date(2025, 12, 31)) and not period.covers(date(2026, 2, 1))


def test_billing_into_a_closed_period_is_refused_with_a_stable_code() -> None:
    with pytest.raises(FinancialPeriodClosed) as refused:
        closed_period(PAYLOAD).refuse_billing_on(date(2026, 1, 15))
    assert refused.value.code == "FINANCIAL_PERIOD_CLOSED"
    assert "2026-01" in refused.value.message
    closed_period(PAYLOAD).refuse_billing_on(date(2026, 2, 1))


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(InvalidFinancialPeriod) as refused:
        closed_period({**PAYLOAD, "periodStart": "2026-01-31", "periodEnd": "2026-01-01"})
    assert refused.value.code == "INVALID_FINANCIAL_PERIOD"
    assert refused.value.field == "periodEnd"


def test_every_missing_or_unreadable_field_is_named_at_once() -> None:
    with pytest.raises(InvalidInputs) as refused:
        closed_period({"periodId": "2026-01", "periodStart": "Jan 1", "closedAt": "2026-02-03"})
    assert [e.field for e in refused.value.each()] == [
        "periodStart",
        "periodEnd",
        "closedAt",
        "closedBy",
    ]
