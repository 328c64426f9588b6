"""Submitting, approving, declining and revising an estimate, and the trail it leaves."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from domain.catalog import Part, PricingModel, Service
from domain.errors import DomainError
from domain.estimates import (
    AuditAction,
    AuditEventType,
    Discount,
    Estimate,
    EstimateStatus,
    EstimateStatusChanged,
    QuoteApproved,
)
from domain.estimates.quotes import quote_id_of
from domain.finance.quote_costs import CostType, cost_transactions
from domain.identity import Principal
from domain.locations import ApprovalMethod, ApprovalPolicy
from domain.tax import ItemType, TaxCode

SUBMITTED = datetime(2026, 1, 24, 10, 30, tzinfo=UTC)
CLERK = Principal("USER-001", "tenant-001", frozenset())
CODES = {
    code.code: code
    for code in (
        TaxCode("LOC-001", "TAXABLE_GOODS", "Taxable parts", Decimal("0.08"), (ItemType.PART,)),
        TaxCode("LOC-001", "LABOR_TAXABLE", "Taxable labor", Decimal("0.06"), (ItemType.LABOR,)),
    )
}
PADS = Part(
    "PART-001", "BRK-PAD-F", "Front Brake Pad Set", Decimal("89.99"), tax_code="TAXABLE_GOODS"
)
LABOR = Service(
    "SVC-002",
    "Brake labor",
    PricingModel.TIME_BASED,
    Decimal("60.00"),
    "LABOR",
    labor_units=Decimal("1"),
    tax_code="LABOR_TAXABLE",
)
CLICK = ApprovalPolicy(ApprovalMethod.CLICK_CONFIRM, "You authorize the work.", "2024-01-01", 7)
SIGNED = ApprovalPolicy(
    ApprovalMethod.SIGNATURE, "By signing below, you authorize...", "2025-06-01", 30
)


def seed_estimate() -> Estimate:
    estimate = Estimate.create(
        estimate_id="6f1c2b1e-8f5a-4c3d-9b2e-7a6d5c4b3a21",
        number="EST-0001",
        customer_id="CUST-001",
        vehicle_id="VEH-001",
        location_id="LOC-001",
        by=CLERK,
        now=SUBMITTED - timedelta(hours=1),
    )
    estimate.add_part("EST-ITEM-001", PADS, Decimal(1), CODES, CLERK)
    estimate.add_service("EST-ITEM-002", LABOR, CODES)
    return estimate


def pending(policy: ApprovalPolicy = CLICK) -> Estimate:
    estimate = seed_estimate()
    estimate.submit(policy, CLERK, SUBMITTED)
    return estimate


def approved() -> Estimate:
    estimate = pending()
    estimate.approve(CLERK, SUBMITTED + timedelta(days=1))
    return estimate


def failure(action: object) -> DomainError:
    with pytest.raises(DomainError) as raised:
        action()  # type: ignore[operator]
    return raised.value


def test_submitting_sends_the_draft_for_approval_valid_for_the_policys_days() -> None:
    estimate = pending()
    assert estimate.status == EstimateStatus.PENDING_APPROVAL
    assert estimate.expires_at == SUBMITTED + timedelta(days=7)
    assert estimate.valid_until == date(2026, 1, 31)


def test_an_estimate_without_lines_cannot_be_submitted() -> None:
    estimate = seed_estimate()
    estimate.remove_item("EST-ITEM-001", CODES)
    estimate.remove_item("EST-ITEM-002", CODES)
    error = failure(lambda: estimate.submit(CLICK, CLERK, SUBMITTED))
    assert error.code == "EMPTY_ESTIMATE"
    assert estimate.status == EstimateStatus.DRAFT


def test_every_line_needs_a_tax_code_before_submission() -> None:
    estimate = seed_estimate()
    estimate.add_part("L3", replace(PADS, tax_code=None), Decimal(1), CODES, CLERK)
    estimate.add_part("L4", replace(PADS, tax_code=None), Decimal(1), CODES, CLERK)
    error = failure(lambda: estimate.submit(CLICK, CLERK, SUBMITTED))
    assert [(e.code, e.field) for e in error.each()] == [
        ("MISSING_TAX_CODE", "items[2].taxCode"),
        ("MISSING_TAX_CODE", "items[3].taxCode"),
    ]
    assert estimate.status == EstimateStatus.DRAFT
    assert estimate.audit_records == []


def test_approval_records_the_method_approver_time_and_terms_version() -> None:
    estimate = approved()
    assert estimate.status == EstimateStatus.APPROVED
    approval = estimate.approval
    assert approval is not None
    assert (approval.method, approval.approved_by, approval.legal_terms_version) == (
        ApprovalMethod.CLICK_CONFIRM,
        "USER-001",
        "2024-01-01",
    )
    assert approval.approved_at == SUBMITTED + timedelta(days=1)
    assert not approval.signature_present


def test_a_signature_policy_refuses_an_approval_without_a_signature() -> None:
    estimate = pending(SIGNED)
    recorded = list(estimate.events)
    for blank in (None, "", "   "):
        error = failure(lambda b=blank: estimate.approve(CLERK, SUBMITTED, signature=b))
        assert (error.code, error.field) == ("SIGNATURE_REQUIRED", "signature")
    assert estimate.status == EstimateStatus.PENDING_APPROVAL
    assert estimate.events == recorded


def test_a_signature_policy_accepts_a_signed_approval_and_keeps_the_signature() -> None:
    estimate = pending(SIGNED)
    estimate.approve(CLERK, SUBMITTED, signature="data:image/png;base64,iVBOR")
    assert estimate.approval is not None
    assert estimate.approval.signature == "data:image/png;base64,iVBOR"
    assert estimate.approval.method == ApprovalMethod.SIGNATURE
    assert estimate.audit_records[-1].metadata["signaturePresent"] is True


def test_an_estimate_past_its_validity_is_expired_and_cannot_be_approved() -> None:
    estimate = pending()
    expiry = SUBMITTED + timedelta(days=7)
    assert estimate.status_at(expiry - timedelta(seconds=1)) == EstimateStatus.PENDING_APPROVAL
    assert estimate.status_at(expiry) == EstimateStatus.EXPIRED
    error = failure(lambda: estimate.approve(CLERK, expiry))
    assert error.code == "ESTIMATE_EXPIRED"
    assert estimate.status == EstimateStatus.PENDING_APPROVAL


def test_an_approval_on_the_last_moment_of_validity_stands() -> None:
    estimate = pending()
    estimate.approve(CLERK, SUBMITTED + timedelta(days=7, seconds=-1))
    assert estimate.status == EstimateStatus.APPROVED


def test_validity_counts_from_submission_not_from_creation() -> None:
    estimate = seed_estimate()
    estimate.submit(CLICK, CLERK, SUBMITTED + timedelta(days=5))
    estimate.approve(CLERK, SUBMITTED + timedelta(days=11))
    assert estimate.status == EstimateStatus.APPROVED


def test_declining_needs_a_reason_and_keeps_it() -> None:
    estimate = pending()
    error = failure(lambda: estimate.decline("  ", CLERK, SUBMITTED))
    assert (error.code, error.field) == ("BAD_USER_INPUT", "reason")
    estimate.decline(" Too expensive ", CLERK, SUBMITTED)
    assert (estimate.status, estimate.decline_reason) == (EstimateStatus.DECLINED, "Too expensive")


@pytest.mark.parametrize(
    ("setup", "move", "state"),
    [
        (seed_estimate, lambda e: e.approve(CLERK, SUBMITTED), "DRAFT"),
        (seed_estimate, lambda e: e.decline("No", CLERK, SUBMITTED), "DRAFT"),
        (seed_estimate, lambda e: e.revise("EST-2", CLERK, SUBMITTED), "DRAFT"),
        (pending, lambda e: e.submit(CLICK, CLERK, SUBMITTED), "PENDING_APPROVAL"),
        (approved, lambda e: e.approve(CLERK, SUBMITTED), "APPROVED"),
        (approved, lambda e: e.decline("No", CLERK, SUBMITTED), "APPROVED"),
        (approved, lambda e: e.submit(CLICK, CLERK, SUBMITTED), "APPROVED"),
    ],
)
def test_any_other_move_is_an_invalid_transition_naming_the_current_state(
    setup: object, move: object, state: str
) -> None:
    estimate = setup()  # type: ignore[operator]
    error = failure(lambda: move(estimate))  # type: ignore[operator]
    assert (error.code, error.field) == ("INVALID_TRANSITION", "status")
    assert state in error.message


def test_a_declined_estimate_cannot_be_approved() -> None:
    estimate = pending()
    estimate.decline("Customer will return later", CLERK, SUBMITTED)
    error = failure(lambda: estimate.approve(CLERK, SUBMITTED))
    assert error.code == "INVALID_TRANSITION"
    assert "DECLINED" in error.message
    assert "revise" in error.message


@pytest.mark.parametrize("decided", ["pending", "approved", "declined", "expired"])
def test_revising_opens_a_new_draft_revision_and_keeps_the_old_one(decided: str) -> None:
    estimate = approved() if decided == "approved" else pending()
    if decided == "declined":
        estimate.decline("Too expensive", CLERK, SUBMITTED)
    now = SUBMITTED + timedelta(days=30 if decided == "expired" else 1)
    status_before = estimate.status
    revised = estimate.revise("EST-001-R2", CLERK, now)
    assert (revised.status, revised.revision, revised.number) == (
        EstimateStatus.DRAFT,
        2,
        "EST-0001",
    )
    assert revised.items == estimate.items
    assert revised.totals == estimate.totals
    assert revised.previous_id == estimate.id
    assert (estimate.status, estimate.superseded_by) == (status_before, "EST-001-R2")
    assert revised.audit_records[-1].metadata["previousStatus"] == decided.upper().replace(
        "PENDING", "PENDING_APPROVAL"
    )


def test_a_superseded_revision_accepts_no_more_moves() -> None:
    estimate = pending()
    estimate.revise("EST-001-R2", CLERK, SUBMITTED)
    for move in (
        lambda: estimate.approve(CLERK, SUBMITTED),
        lambda: estimate.revise("EST-001-R3", CLERK, SUBMITTED),
    ):
        error = failure(move)
        assert error.code == "INVALID_TRANSITION"
        assert "superseded" in error.message


def test_a_revision_is_an_editable_draft_that_can_be_submitted_again() -> None:
    revised = approved().revise("EST-001-R2", CLERK, SUBMITTED)
    revised.set_discount(Discount(percent=Decimal("10")), CODES)
    revised.submit(SIGNED, CLERK, SUBMITTED + timedelta(days=2))
    assert revised.valid_until == date(2026, 2, 25)


def test_submit_approve_decline_and_revise_each_leave_an_audit_record() -> None:
    estimate = pending()
    estimate.approve(CLERK, SUBMITTED)
    revised = estimate.revise("EST-001-R2", CLERK, SUBMITTED)
    revised.submit(CLICK, CLERK, SUBMITTED)
    revised.decline("Going elsewhere", CLERK, SUBMITTED)
    trail = estimate.audit_records + revised.audit_records
    assert [(r.event_type, r.action, r.resource_id) for r in trail] == [
        (AuditEventType.ESTIMATE_SUBMITTED, AuditAction.SUBMIT, estimate.id),
        (AuditEventType.ESTIMATE_APPROVED, AuditAction.APPROVE, estimate.id),
        (AuditEventType.ESTIMATE_REVISED, AuditAction.REVISE, "EST-001-R2"),
        (AuditEventType.ESTIMATE_SUBMITTED, AuditAction.SUBMIT, "EST-001-R2"),
        (AuditEventType.ESTIMATE_DECLINED, AuditAction.DECLINE, "EST-001-R2"),
    ]
    assert {r.user_id for r in trail} == {"USER-001"}
    assert trail[0].metadata["expiresAt"] == "2026-01-31T10:30:00Z"
    assert trail[2].metadata["previousEstimateId"] == estimate.id
    assert trail[4].metadata["reason"] == "Going elsewhere"


def test_an_approval_audit_record_says_how_it_was_approved_and_cannot_be_changed() -> None:
    record = approved().audit_records[-1]
    assert (record.event_type, record.resource_type, record.resource_id) == (
        AuditEventType.ESTIMATE_APPROVED,
        "ESTIMATE",
        "6f1c2b1e-8f5a-4c3d-9b2e-7a6d5c4b3a21",
    )
    assert (record.user_id, record.action, record.timestamp) == (
        "USER-001",
        AuditAction.APPROVE,
        datetime(2026, 1, 25, 10, 30, tzinfo=UTC),
    )
    assert record.metadata == {
        "revision": 1,
        "approvalMethod": "CLICK_CONFIRM",
        "customerId": "CUST-001",
        "signaturePresent": False,
        "legalTermsVersion": "2024-01-01",
    }
    with pytest.raises(TypeError):
        record.metadata["approvalMethod"] = "VERBAL"  # type: ignore[index]
    with pytest.raises(AttributeError):
        record.user_id = "someone else"  # type: ignore[misc]


def test_every_decision_records_the_status_change_at_its_instant() -> None:
    estimate = seed_estimate()
    estimate.submit(CLICK, CLERK, SUBMITTED)
    estimate.approve(CLERK, SUBMITTED + timedelta(days=1))
    changes = [e for e in estimate.events if isinstance(e, EstimateStatusChanged)]
    assert [(c.previous_status, c.new_status, c.occurred_at) for c in changes] == [
        (EstimateStatus.DRAFT, EstimateStatus.PENDING_APPROVAL, SUBMITTED),
        (EstimateStatus.PENDING_APPROVAL, EstimateStatus.APPROVED, SUBMITTED + timedelta(days=1)),
    ]
    first = changes[0]
    assert (first.aggregate_id, first.tenant_id, first.number, first.revision) == (
        estimate.id,
        "tenant-001",
        "EST-0001",
        1,
    )
    assert (first.location_id, first.customer_id, first.grand_total, first.changed_by) == (
        "LOC-001",
        "CUST-001",
        Decimal("160.79"),
        "USER-001",
    )
    assert first.previous_estimate_id is None
    assert len({c.event_id for c in changes}) == 2


def test_a_declined_estimate_records_its_status_change() -> None:
    estimate = pending()
    estimate.decline("Too expensive", CLERK, SUBMITTED)
    change = estimate.events[-1]
    assert isinstance(change, EstimateStatusChanged)
    assert (change.previous_status, change.new_status) == (
        EstimateStatus.PENDING_APPROVAL,
        EstimateStatus.DECLINED,
    )


def test_a_revision_records_a_new_draft_with_no_previous_status() -> None:
    estimate = approved()
    revised = estimate.revise("EST-0001-R2", CLERK, SUBMITTED + timedelta(days=2))
    [change] = revised.events
    assert isinstance(change, EstimateStatusChanged)
    assert (change.aggregate_id, change.revision, change.previous_estimate_id) == (
        "EST-0001-R2",
        2,
        estimate.id,
    )
    assert (change.previous_status, change.new_status) == (None, EstimateStatus.DRAFT)


def test_approval_records_the_approved_quote_with_its_amounts_and_validity() -> None:
    estimate = pending()
    estimate.approve(CLERK, datetime(2026, 1, 25, 7, 30, tzinfo=UTC))
    [_, _, event] = estimate.events
    assert isinstance(event, QuoteApproved)
    assert event == QuoteApproved(
        aggregate_id=estimate.quote_id,
        tenant_id="tenant-001",
        occurred_at=datetime(2026, 1, 25, 7, 30, tzinfo=UTC),
        event_id=event.event_id,
        quote_number="EST-0001",
        total=Decimal("160.79"),
        subtotal_services=Decimal("60.00"),
        subtotal_materials=Decimal("89.99"),
        discount_percent=Decimal("0.00"),
        discount_amount=Decimal("0.00"),
        approved_at=datetime(2026, 1, 25, 7, 30, tzinfo=UTC),
        approved_by="USER-001",
        valid_until=date(2026, 1, 31),
        item_count=2,
    )


def approved_quote(estimate: Estimate) -> QuoteApproved:
    [quote] = [e for e in estimate.events if isinstance(e, QuoteApproved)]
    return quote


def test_the_approved_quote_reports_the_discount_and_the_total_after_it() -> None:
    estimate = seed_estimate()
    estimate.set_discount(Discount(percent=Decimal("10")), CODES)
    estimate.submit(CLICK, CLERK, SUBMITTED)
    estimate.approve(CLERK, SUBMITTED)
    quote = approved_quote(estimate)
    assert (quote.discount_percent, quote.discount_amount, quote.total) == (
        Decimal("10.00"),
        Decimal("15.00"),
        Decimal("144.71"),
    )
    assert quote.subtotal_services + quote.subtotal_materials == Decimal("149.99")


def test_an_amount_discount_reports_zero_percent() -> None:
    estimate = seed_estimate()
    estimate.set_discount(Discount(amount=Decimal("10.00")), CODES)
    estimate.submit(CLICK, CLERK, SUBMITTED)
    estimate.approve(CLERK, SUBMITTED)
    quote = approved_quote(estimate)
    assert (quote.discount_percent, quote.discount_amount) == (Decimal("0.00"), Decimal("10.00"))


def test_decisions_need_an_instant_with_a_time_zone() -> None:
    error = failure(lambda: seed_estimate().submit(CLICK, CLERK, datetime(2026, 1, 24)))
    assert error.code == "BAD_USER_INPUT"


def test_the_approved_estimate_books_its_costs_under_the_quotes_keys() -> None:
    estimate = approved()
    booked = cost_transactions(approved_quote(estimate))
    assert [(t.idempotency_key, t.cost_type, t.amount) for t in booked] == [
        (f"quote:{estimate.quote_id}:service", CostType.THIRD_PARTY, Decimal("60.00")),
        (f"quote:{estimate.quote_id}:material", CostType.PARTS, Decimal("89.99")),
    ]


def test_each_revision_is_published_under_a_stable_quote_uuid_of_its_own() -> None:
    estimate = approved()
    revised = estimate.revise("EST-0001-R2", CLERK, SUBMITTED + timedelta(days=2))
    quote_id = uuid.UUID(estimate.quote_id)
    assert quote_id.version == 5
    assert estimate.quote_id == quote_id_of(estimate.tenant_id, estimate.id)
    assert revised.quote_id not in (estimate.quote_id, revised.id)
    assert quote_id_of("tenant-002", estimate.id) != estimate.quote_id
