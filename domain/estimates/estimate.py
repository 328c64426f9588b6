"""The estimate aggregate: a quote for one customer's vehicle, from draft to decision.

DRAFT -> PENDING_APPROVAL (submit) -> APPROVED or DECLINED. Only a draft's lines and
discount change; to change a submitted or decided estimate a clerk revises it, which
opens a new DRAFT revision (revision + 1) and marks the old one superseded, readable as
it was. A pending estimate past its validity (the policy's `expiresInDays`, counted
from submission) is EXPIRED and can no longer be approved, only revised.

The aggregate is mutable in the Cosmic Python way: each method checks its rules,
changes state and appends what happened (audit records, domain events) to lists the
unit of work collects. The lines, discount and totals are priced by the immutable
`EstimateLines` (lines.py). Nothing here reads the clock: every decision takes `now`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from domain.catalog import Part, Service
from domain.checks import check_text
from domain.errors import InvalidInput, collect
from domain.estimates.approval import ApprovalRecord, record_approval
from domain.estimates.audit import AuditAction, AuditEventType, AuditRecord
from domain.estimates.events import EstimateStatusChanged, QuoteApproved
from domain.estimates.items import (
    EstimateItem,
    non_catalog_part_item,
    part_item,
    service_item,
)
from domain.estimates.lines import EstimateLines
from domain.estimates.quotes import quote_id_of
from domain.estimates.status import (
    REVISABLE,
    EstimateExpired,
    EstimateStatus,
    InvalidTransition,
    invalid_transition,
)
from domain.estimates.totals import EMPTY_TOTALS, NO_DISCOUNT, Discount, EstimateTotals
from domain.events import DomainEvent
from domain.identity import Principal
from domain.instants import utc_text
from domain.locations import ApprovalPolicy
from domain.money import CENT, DEFAULT_CURRENCY
from domain.tax import TaxCode


def check_instant(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise InvalidInput(f"{now!r} has no time zone; decisions happen at an instant.")


@dataclass(eq=False)
class Estimate:
    """One revision of an estimate; `number` is the tenant's human number, shared by revisions.

    `policy`, `submitted_at` and `expires_at` are set on submission; `approval` on
    approval; `superseded_by` (the next revision's id) when revised. `version` is the
    stored row's, for optimistic concurrency. `items`, `discount` and `totals` are what
    `lines` prices, kept as attributes as they are stored and shown.
    """

    id: str
    tenant_id: str
    number: str
    customer_id: str
    vehicle_id: str
    location_id: str
    created_by: str
    created_at: datetime
    currency_uom_id: str = DEFAULT_CURRENCY
    revision: int = 1
    status: EstimateStatus = EstimateStatus.DRAFT
    items: tuple[EstimateItem, ...] = ()
    discount: Discount = NO_DISCOUNT
    totals: EstimateTotals = EMPTY_TOTALS
    policy: ApprovalPolicy | None = None
    submitted_at: datetime | None = None
    expires_at: datetime | None = None
    approval: ApprovalRecord | None = None
    decline_reason: str | None = None
    superseded_by: str | None = None
    previous_id: str | None = None
    latest_audit_event_id: str | None = None
    """The audit event of the latest decision about this revision."""
    version: int = 1
    audit_records: list[AuditRecord] = field(default_factory=list)
    events: list[DomainEvent] = field(default_factory=list)

    @property
    def quote_id(self) -> str:
        """The UUID this revision's approval is published under (seed 003's `quote_id`)."""
        return quote_id_of(self.tenant_id, self.id)

    @classmethod
    def create(
        cls,
        *,
        estimate_id: str,
        number: str,
        customer_id: str,
        vehicle_id: str,
        location_id: str,
        by: Principal,
        now: datetime,
        currency_uom_id: str = DEFAULT_CURRENCY,
    ) -> Estimate:
        """A new DRAFT; the number comes from the tenant's sequence, kept by persistence."""
        check_instant(now)
        collect(
            check_text(estimate_id, "id", "An estimate needs an id.", max_length=64),
            check_text(number, "number", "An estimate needs its number.", max_length=64),
            check_text(customer_id, "customerId", "Choose the customer.", max_length=64),
            check_text(vehicle_id, "vehicleId", "Choose the customer's vehicle.", max_length=64),
            check_text(location_id, "locationId", "Choose the shop location.", max_length=64),
        )
        return cls(
            id=estimate_id,
            tenant_id=by.tenant_id,
            number=number.strip(),
            customer_id=customer_id,
            vehicle_id=vehicle_id,
            location_id=location_id,
            created_by=by.user_id,
            created_at=now,
            currency_uom_id=currency_uom_id,
        )

    # Lines and discount: a draft only.

    @property
    def lines(self) -> EstimateLines:
        return EstimateLines(self.items, self.discount, self.totals, self.currency_uom_id)

    def add_part(
        self,
        item_id: str,
        part: Part,
        quantity: Decimal,
        tax_codes: Mapping[str, TaxCode],
        by: Principal,
        unit_price: Decimal | None = None,
    ) -> EstimateItem:
        item = part_item(item_id, part, quantity, by, unit_price)
        self._change_lines("add a line", lambda lines: lines.with_item(item, tax_codes))
        return item

    def add_non_catalog_part(
        self,
        item_id: str,
        description: str,
        unit_price: Decimal,
        quantity: Decimal,
        tax_code: str | None,
        tax_codes: Mapping[str, TaxCode],
        by: Principal,
    ) -> EstimateItem:
        item = non_catalog_part_item(item_id, description, unit_price, quantity, tax_code, by)
        self._change_lines("add a line", lambda lines: lines.with_item(item, tax_codes))
        return item

    def add_service(
        self,
        item_id: str,
        service: Service,
        tax_codes: Mapping[str, TaxCode],
        quantity: Decimal = Decimal(1),
    ) -> EstimateItem:
        item = service_item(item_id, service, quantity)
        self._change_lines("add a line", lambda lines: lines.with_item(item, tax_codes))
        return item

    def update_quantity(
        self, item_id: str, quantity: Decimal, tax_codes: Mapping[str, TaxCode]
    ) -> None:
        self._change_lines(
            "change a line", lambda lines: lines.with_quantity(item_id, quantity, tax_codes)
        )

    def remove_item(self, item_id: str, tax_codes: Mapping[str, TaxCode]) -> None:
        self._change_lines("remove a line", lambda lines: lines.without_item(item_id, tax_codes))

    def set_discount(self, discount: Discount, tax_codes: Mapping[str, TaxCode]) -> None:
        self._change_lines(
            "change the discount", lambda lines: lines.with_discount(discount, tax_codes)
        )

    # Decisions.

    def submit(self, policy: ApprovalPolicy, by: Principal, now: datetime) -> None:
        """Send the draft to the customer under `policy`; its validity starts now."""
        check_instant(now)
        self._require(EstimateStatus.DRAFT, "submit it for approval")
        self.lines.check_quotable(self.number)
        self._move(EstimateStatus.PENDING_APPROVAL, by, now)
        self.policy = policy
        self.submitted_at = now
        self.expires_at = now + timedelta(days=policy.expires_in_days)
        self._audit(
            AuditEventType.ESTIMATE_SUBMITTED,
            AuditAction.SUBMIT,
            by,
            now,
            {"grandTotal": self.totals.grand_total, "expiresAt": utc_text(self.expires_at)},
        )

    def approve(self, by: Principal, now: datetime, signature: str | None = None) -> None:
        """Record the customer's approval and announce the approved quote."""
        check_instant(now)
        self._require(EstimateStatus.PENDING_APPROVAL, "approve it")
        self._refuse_if_expired(now)
        assert self.policy is not None  # set together with PENDING_APPROVAL
        self.approval = record_approval(self.policy, by.user_id, now, signature)
        self._move(EstimateStatus.APPROVED, by, now)
        self._audit(
            AuditEventType.ESTIMATE_APPROVED,
            AuditAction.APPROVE,
            by,
            now,
            {
                "approvalMethod": str(self.approval.method),
                "customerId": self.customer_id,
                "signaturePresent": self.approval.signature_present,
                "legalTermsVersion": self.approval.legal_terms_version,
            },
        )
        self.events.append(self._quote_approved(self.approval, now))

    def decline(self, reason: str, by: Principal, now: datetime) -> None:
        """The customer said no; the reason is kept for the service advisor's follow-up."""
        check_instant(now)
        self._require(EstimateStatus.PENDING_APPROVAL, "decline it")
        collect(check_text(reason, "reason", "Say why the customer declined.", max_length=2000))
        self._move(EstimateStatus.DECLINED, by, now)
        self.decline_reason = reason.strip()
        self._audit(
            AuditEventType.ESTIMATE_DECLINED,
            AuditAction.DECLINE,
            by,
            now,
            {"reason": self.decline_reason, "customerId": self.customer_id},
        )

    def revise(self, new_id: str, by: Principal, now: datetime) -> Estimate:
        """A new DRAFT revision with the same lines and discount; this one stays as it was."""
        check_instant(now)
        if self.superseded_by is not None or self.status not in REVISABLE:
            raise self._invalid("revise it")
        draft = Estimate(
            id=new_id,
            tenant_id=self.tenant_id,
            number=self.number,
            customer_id=self.customer_id,
            vehicle_id=self.vehicle_id,
            location_id=self.location_id,
            created_by=by.user_id,
            created_at=now,
            currency_uom_id=self.currency_uom_id,
            revision=self.revision + 1,
            items=self.items,
            discount=self.discount,
            totals=self.totals,
            previous_id=self.id,
        )
        self.superseded_by = new_id
        draft._audit(
            AuditEventType.ESTIMATE_REVISED,
            AuditAction.REVISE,
            by,
            now,
            {
                "previousEstimateId": self.id,
                "previousStatus": str(self.status_at(now)),
                "revision": draft.revision,
            },
        )
        draft.events.append(draft._status_changed(None, by, now))
        return draft

    # Reading.

    def status_at(self, now: datetime) -> EstimateStatus:
        """The status a customer sees at `now`: a pending estimate past validity is EXPIRED."""
        if self.status == EstimateStatus.PENDING_APPROVAL and self._expired(now):
            return EstimateStatus.EXPIRED
        return self.status

    @property
    def valid_until(self) -> date | None:
        """The last day (UTC) the estimate can be approved on; None before submission."""
        return None if self.expires_at is None else self.expires_at.date()

    # Rules shared by the methods above.

    def _move(self, to: EstimateStatus, by: Principal, now: datetime) -> None:
        previous, self.status = self.status, to
        self.events.append(self._status_changed(previous, by, now))

    def _status_changed(
        self, previous: EstimateStatus | None, by: Principal, now: datetime
    ) -> EstimateStatusChanged:
        return EstimateStatusChanged(
            aggregate_id=self.id,
            tenant_id=self.tenant_id,
            occurred_at=now,
            number=self.number,
            revision=self.revision,
            previous_status=previous,
            new_status=self.status,
            location_id=self.location_id,
            customer_id=self.customer_id,
            grand_total=self.totals.grand_total,
            previous_estimate_id=self.previous_id,
            changed_by=by.user_id,
        )

    def _quote_approved(self, approval: ApprovalRecord, now: datetime) -> QuoteApproved:
        totals = self.totals
        assert self.expires_at is not None  # set together with PENDING_APPROVAL
        return QuoteApproved(
            aggregate_id=self.quote_id,
            tenant_id=self.tenant_id,
            occurred_at=now,
            quote_number=self.number,
            total=totals.grand_total,
            subtotal_services=totals.subtotal_services,
            subtotal_materials=totals.subtotal_materials,
            discount_percent=(self.discount.percent or Decimal(0)).quantize(CENT),
            discount_amount=totals.discount_amount,
            approved_at=approval.approved_at,
            approved_by=approval.approved_by,
            valid_until=self.expires_at.date(),
            item_count=totals.item_count,
        )

    def _change_lines(self, to: str, change: Callable[[EstimateLines], EstimateLines]) -> None:
        self._require(EstimateStatus.DRAFT, to)
        changed = change(self.lines)
        self.items, self.discount, self.totals = changed.items, changed.discount, changed.totals

    def _expired(self, now: datetime) -> bool:
        return self.expires_at is not None and now >= self.expires_at

    def _refuse_if_expired(self, now: datetime) -> None:
        if self._expired(now):
            assert self.expires_at is not None
            raise EstimateExpired(
                f"Estimate {self.number} expired on {self.expires_at.isoformat()} and can no "
                "longer be approved; revise it and submit the new revision.",
                field="status",
            )

    def _audit(
        self,
        event_type: AuditEventType,
        action: AuditAction,
        by: Principal,
        now: datetime,
        metadata: Mapping[str, Any],
    ) -> None:
        record = AuditRecord(
            event_type=event_type,
            resource_id=self.id,
            user_id=by.user_id,
            action=action,
            metadata={"revision": self.revision, **metadata},
            timestamp=now,
        )
        self.audit_records.append(record)
        self.latest_audit_event_id = record.audit_event_id

    def _require(self, status: EstimateStatus, to: str) -> None:
        if self.superseded_by is not None or self.status != status:
            raise self._invalid(to)

    def _invalid(self, to: str) -> InvalidTransition:
        return invalid_transition(
            self.number, self.revision, self.status, self.superseded_by is not None, to
        )
