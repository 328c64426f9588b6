"""Credit control's rules without a database: dunning levels, the credit impact of an
amount, four eyes on a write-off, a credit never above what an invoice has open."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.errors import DomainError
from domain.receivables.accounts import DEFAULT_CHART
from domain.receivables.credit_control import CreditStanding, Exposure, OrderCreditImpact
from domain.receivables.credit_memo import CreditMemo
from domain.receivables.dunning import DEFAULT_LEVELS, DunningLevel, check_levels, level_for
from domain.receivables.invoice import Invoice, InvoiceStatus
from domain.receivables.lines import InvoiceLine
from domain.receivables.write_off import WriteOff
from domain.tax import ItemType

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def posted(total: str = "100.00") -> Invoice:
    invoice = Invoice(
        id="INVC-001",
        tenant_id="t",
        customer_id="CUST-1",
        location_id="LOC-1",
        currency="USD",
        billing_terms_id="NET30",
        created_at=AT,
        created_by="clerk",
        lines=(
            InvoiceLine(
                1,
                "Pads",
                ItemType.PART,
                Decimal(1),
                Decimal(total),
                Decimal("0.00"),
                "EXEMPT",
                Decimal(total),
                Decimal("0.00"),
            ),
        ),
    )
    invoice.post("INV-2026-000001", date(2026, 3, 1), AT, "clerk", DEFAULT_CHART, [])
    return invoice


@pytest.mark.parametrize(
    ("days", "level"),
    [(0, None), (1, "REMINDER"), (30, "REMINDER"), (31, "SECOND_REMINDER"), (400, "FINAL_NOTICE")],
)
def test_the_level_is_the_highest_the_days_overdue_reached(days: int, level: str | None) -> None:
    found = level_for(DEFAULT_LEVELS, days)
    assert (found.level if found else None) == level


def test_levels_are_ordered_by_days_and_each_has_its_own_name_and_day() -> None:
    ordered = check_levels([DunningLevel("FINAL", 60), DunningLevel("FIRST", 5)])
    assert [lv.level for lv in ordered] == ["FIRST", "FINAL"]
    for bad in ([], [DunningLevel("A", 5), DunningLevel("B", 5)], [DunningLevel("low", 5)]):
        with pytest.raises(DomainError):
            check_levels(bad)


def test_an_amount_fits_the_credit_left_unless_the_customer_is_blocked() -> None:
    exposure = Exposure(Decimal("300.00"), Decimal("100.00"))
    fits = OrderCreditImpact("C", Decimal("100.00"), Decimal("500.00"), exposure, None)
    assert (fits.available_credit, fits.can_process_order) == (Decimal("100.00"), True)
    assert not OrderCreditImpact(
        "C", Decimal("100.01"), Decimal("500.00"), exposure, None
    ).can_process_order
    assert OrderCreditImpact("C", Decimal("1e6"), None, exposure, None).can_process_order
    assert not OrderCreditImpact("C", Decimal("1"), None, exposure, "Fraud").can_process_order


def test_a_block_keeps_its_first_reason_and_records_one_event() -> None:
    standing = CreditStanding("C", "t", Decimal("100.00"))
    standing.review(Exposure(Decimal("100.00"), Decimal("0.00")), AT, "u")
    assert not standing.blocked
    standing.review(Exposure(Decimal("100.01"), Decimal("0.00")), AT, "u")
    standing.block("Fraud", AT, "u")
    assert (standing.block_reason, len(standing.events)) == ("Credit limit exceeded", 1)
    standing.unblock("Paid", AT, "v")
    assert (standing.blocked, standing.unblock_reason, standing.unblocked_by) == (
        False,
        "Paid",
        "v",
    )
    with pytest.raises(DomainError):
        standing.unblock(" ", AT, "v")


def test_the_proposer_cannot_approve_their_own_write_off() -> None:
    invoice = posted()
    proposal = WriteOff.propose("WO-1", invoice, "Insolvent", AT, "alice")
    with pytest.raises(DomainError) as own:
        proposal.approve(invoice, AT, "alice", DEFAULT_CHART, [])
    assert own.value.code == "WRITE_OFF_SELF_APPROVAL"
    entry = proposal.approve(invoice, AT, "bob", DEFAULT_CHART, [])
    assert [(line.account, line.debit, line.credit) for line in entry.lines] == [
        ("6500", Decimal("100.00"), Decimal("0.00")),
        ("1200", Decimal("0.00"), Decimal("100.00")),
    ]
    assert (invoice.status, invoice.open_balance) == (InvoiceStatus.WRITTEN_OFF, Decimal("0.00"))


def test_a_write_off_of_a_balance_that_changed_since_is_outdated() -> None:
    invoice = posted()
    proposal = WriteOff.propose("WO-1", invoice, "Insolvent", AT, "alice")
    CreditMemo.issue(
        "CM-1", "t", "CUST-1", invoice, Decimal("10.00"), "USD", "x", AT, "c", DEFAULT_CHART, []
    )
    with pytest.raises(DomainError) as outdated:
        proposal.approve(invoice, AT, "bob", DEFAULT_CHART, [])
    assert outdated.value.code == "WRITE_OFF_OUTDATED"


def test_a_credit_never_exceeds_what_the_invoice_has_open() -> None:
    invoice = posted()
    with pytest.raises(DomainError) as over:
        CreditMemo.issue(
            "CM-1",
            "t",
            "CUST-1",
            invoice,
            Decimal("100.01"),
            "USD",
            "x",
            AT,
            "c",
            DEFAULT_CHART,
            [],
        )
    assert over.value.code == "CREDIT_EXCEEDS_OPEN_BALANCE"
    assert (invoice.status, invoice.open_balance) == (InvoiceStatus.POSTED, Decimal("100.00"))
    with pytest.raises(DomainError) as currency:
        CreditMemo.issue(
            "CM-1", "t", "CUST-1", invoice, Decimal("1.00"), "EUR", "x", AT, "c", DEFAULT_CHART, []
        )
    assert currency.value.code == "CURRENCY_MISMATCH"
    with pytest.raises(DomainError) as elsewhere:
        CreditMemo.issue(
            "CM-1", "t", "CUST-2", invoice, Decimal("1.00"), "USD", "x", AT, "c", DEFAULT_CHART, []
        )
    assert (elsewhere.value.code, elsewhere.value.field) == ("BAD_USER_INPUT", "invoiceId")
