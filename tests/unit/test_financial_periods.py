"""Closed financial periods: what Period Close's report must say, and what a close forbids."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.finance.periods import (
    FinancialPeriod,
    FinancialPeriodClosed,
    InvalidFinancialPeriod,
    PeriodClosed,
)

CLOSED_AT = datetime(2026, 2, 3, 17, tzinfo=UTC)
JANUARY = FinancialPeriod(
    "2026-01", date(2026, 1, 1), date(2026, 1, 31), CLOSED_AT, "controller@example.com"
)


def reported(**changes: object) -> PeriodClosed:
    facts = {
        "aggregate_id": "2026-01",
        "tenant_id": "tenant-001",
        "occurred_at": CLOSED_AT,
        "period_id": "2026-01",
        "start": date(2026, 1, 1),
        "end": date(2026, 1, 31),
        "closed_at": CLOSED_AT,
        "closed_by": "controller@example.com",
    }
    return PeriodClosed(**{**facts, **changes})  # type: ignore[arg-type]


def test_a_report_gives_the_period_with_its_dates_and_closing_instant() -> None:
    assert reported().period() == JANUARY


def test_a_period_covers_its_first_and_last_day_and_nothing_outside() -> None:
    assert JANUARY.covers(date(2026, 1, 1)) and JANUARY.covers(date(2026, 1, 31))
    assert not JANUARY.covers(date(2025, 12, 31)) and not JANUARY.covers(date(2026, 2, 1))


def test_billing_into_a_closed_period_is_refused_with_a_stable_code() -> None:
    with pytest.raises(FinancialPeriodClosed) as refused:
        JANUARY.refuse_billing_on(date(2026, 1, 15))
    assert refused.value.code == "FINANCIAL_PERIOD_CLOSED"
    assert "2026-01" in refused.value.message
    JANUARY.refuse_billing_on(date(2026, 2, 1))


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(InvalidFinancialPeriod) as refused:
        reported(start=date(2026, 1, 31), end=date(2026, 1, 1)).period()
    assert refused.value.code == "INVALID_FINANCIAL_PERIOD"
    assert refused.value.field == "periodEnd"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"period_id": " "}, "periodId"),
        ({"closed_by": ""}, "closedBy"),
        ({"closed_at": datetime(2026, 2, 3, 17)}, "closedAt"),
    ],
)
def test_a_blank_id_or_closer_or_a_closing_time_without_zone_is_refused(
    changes: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidFinancialPeriod) as refused:
        reported(**changes).period()
    assert refused.value.field == field
