"""Which invoices each receivables fact moves: what `invoiceStatusChanged` delivers."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from domain.events import DomainEvent
from domain.receivables.credit_memo import CreditMemoIssued
from domain.receivables.events import InvoiceCancelled
from domain.receivables.invoice import InvoiceStatus
from domain.receivables.payment_events import AllocatedAmount, PaymentReceived, PaymentReversed
from domain.receivables.status_changes import MOVING, Moved, moved_by, status_before
from domain.receivables.write_off import WriteOffApproved
from persistence.event_facts import event_from, facts_of
from subscriptions.wire.registry import recorded_name
from tests.unit.test_wire_payments import seed_invoice, seed_payment

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


def kept(event: DomainEvent, without: str | None = None) -> DomainEvent:
    """`event` as the outbox gives it back (a fact left out, as stored before it was)."""
    facts = facts_of(event)
    if without is not None:
        facts["allocations"] = [
            {k: v for k, v in part.items() if k != without} for part in facts["allocations"]
        ]
    return event_from(
        event.event_type,
        event.aggregate_type,
        event.aggregate_id,
        event.tenant_id,
        event.occurred_at,
        event.event_id,
        facts,
    )


def test_money_facts_keep_the_status_each_invoice_had_before_them() -> None:
    invoice = seed_invoice()
    payment = seed_payment(invoice)
    [received] = payment.events
    payment.reverse("Bounced", AT, "user-2", {invoice.id: invoice}, ())
    [_, reversed_] = payment.events
    assert [status_before(kept(e), invoice.id) for e in (received, reversed_)] == [
        InvoiceStatus.POSTED,
        InvoiceStatus.PAID,
    ]
    assert invoice.status is InvoiceStatus.POSTED
    assert status_before(kept(received, without="previous_status"), invoice.id) is None
    assert status_before(kept(received), "another-invoice") is None
