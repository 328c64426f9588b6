"""Which invoices each receivables fact moves: what `invoiceStatusChanged` delivers."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from domain.receivables.credit_memo import CreditMemoIssued
from domain.receivables.events import InvoiceCancelled
from domain.receivables.payment_events import AllocatedAmount, PaymentReceived, PaymentReversed
from domain.receivables.status_changes import MOVING, Moved, moved_by
from domain.receivables.write_off import WriteOffApproved
from subscriptions.wire.registry import recorded_name

AT = datetime(2026, 3, 1, tzinfo=UTC)
ABOUT = {"tenant_id": "t", "occurred_at": AT}
PAID = (AllocatedAmount("INV-1", Decimal("5")), AllocatedAmount("INV-2", Decimal("5")))


def test_money_moves_the_invoices_it_touched_and_nothing_else() -> None:
    received = PaymentReceived(
        **ABOUT,
        aggregate_id="PAY-1",
        customer_id="C",
        payment_number="P-1",
        amount=Decimal("10"),
        currency="USD",
        payment_method="ACH",
        payment_date=AT.date(),
        bank_reference=None,
        allocations=(*PAID, AllocatedAmount("INV-1", Decimal("1"))),
        gl_entries=(),
    )
    assert moved_by(received) == Moved(("INV-1", "INV-2"), "C")
    reversed_ = PaymentReversed(**ABOUT, aggregate_id="PAY-1", reason="Bounced", allocations=PAID)
    assert moved_by(reversed_) == Moved(("INV-1", "INV-2"), None)
    memo = {"aggregate_id": "CM-1", "customer_id": "C", "amount": Decimal("1"), "reason": "x"}
    assert moved_by(CreditMemoIssued(**ABOUT, **memo, invoice_id="INV-3")).invoice_ids == ("INV-3",)
    assert moved_by(CreditMemoIssued(**ABOUT, **memo, invoice_id=None)).invoice_ids == ()
    write_off = WriteOffApproved(
        **ABOUT,
        aggregate_id="WO-1",
        invoice_id="INV-4",
        customer_id="C",
        amount=Decimal("1"),
        reason="Bust",
        proposed_by="a",
        approved_by="b",
        gl_entries=(),
    )
    assert moved_by(write_off) == Moved(("INV-4",), "C")
    cancelled = InvoiceCancelled(
        **ABOUT,
        aggregate_id="INV-5",
        customer_id="C",
        reason="Typo",
        cancelled_by="a",
        gl_entries=(),
    )
    assert moved_by(cancelled) == Moved(("INV-5",), "C")


def test_each_moving_fact_is_published_under_the_name_the_subscription_asks_for() -> None:
    assert {recorded_name(name) for name in MOVING.values()} == {f.__name__ for f in MOVING}
