"""The decisions on a submitted estimate: submit, approve, decline, and their audit trail.

A mixin of `Estimate` (kept apart so each module reads in one sitting): every decision
checks its rule, changes state, appends an audit record and, for an approval, the
quote-approved event. Nothing here reads the clock; each decision takes `now`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from domain.checks import check_text
from domain.errors import InvalidInput, collect
from domain.estimates.approval import ApprovalRecord, record_approval
from domain.estimates.audit import AuditAction, AuditEventType, AuditRecord, iso_utc
from domain.estimates.items import EstimateItem
from domain.estimates.quote import QUOTE_AGGREGATE, QUOTE_APPROVED, quote_approved_payload
from domain.estimates.status import (
    REVISABLE,
    EmptyEstimate,
    EstimateExpired,
    EstimateStatus,
    InvalidTransition,
)
from domain.estimates.totals import EstimateTotals
from domain.events import DomainEvent, SeedEvent
from domain.identity import Principal
from domain.locations import ApprovalPolicy
from domain.tax import MissingTaxCode


def check_instant(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise InvalidInput(f"{now!r} has no time zone; decisions happen at an instant.")


class EstimateDecisions:
    """What `Estimate` decides once its lines are set; the fields are `Estimate`'s."""

    id: str
    tenant_id: str
    number: str
    customer_id: str
    revision: int
    status: EstimateStatus
    items: tuple[EstimateItem, ...]
    totals: EstimateTotals
    policy: ApprovalPolicy | None
    submitted_at: datetime | None
    expires_at: datetime | None
    approval: ApprovalRecord | None
    decline_reason: str | None
    superseded_by: str | None
    audit_records: list[AuditRecord]
    events: list[DomainEvent]

    def submit(self, policy: ApprovalPolicy, by: Principal, now: datetime) -> None:
        """Send the draft to the customer under `policy`; its validity starts now."""
        check_instant(now)
        self._require(EstimateStatus.DRAFT, "submit it for approval")
        if not self.items:
            raise EmptyEstimate(
                f"Estimate {self.number} has no lines; add a part or a service before "
                "submitting it."
            )
        collect(
            *(
                MissingTaxCode(
                    f"Line '{item.description}' has no tax code; all items must have a tax "
                    "code before the estimate is submitted.",
                    field=f"items[{i}].taxCode",
                )
                for i, item in enumerate(self.items)
                if item.tax_code is None
            )
        )
        self.status = EstimateStatus.PENDING_APPROVAL
        self.policy = policy
        self.submitted_at = now
        self.expires_at = now + timedelta(days=policy.expires_in_days)
        self._audit(
            AuditEventType.ESTIMATE_SUBMITTED,
            AuditAction.SUBMIT,
            by,
            now,
            {"grandTotal": self.totals.grand_total, "expiresAt": iso_utc(self.expires_at)},
        )

    def approve(self, by: Principal, now: datetime, signature: str | None = None) -> None:
        """Record the customer's approval and announce the approved quote."""
        check_instant(now)
        self._require(EstimateStatus.PENDING_APPROVAL, "approve it")
        self._refuse_if_expired(now)
        assert self.policy is not None  # set together with PENDING_APPROVAL
        self.approval = record_approval(self.policy, by.user_id, now, signature)
        self.status = EstimateStatus.APPROVED
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
        self.events.append(
            SeedEvent(
                name=QUOTE_APPROVED,
                kind=QUOTE_AGGREGATE,
                aggregate_id=self.id,
                tenant_id=self.tenant_id,
                payload=quote_approved_payload(self),
                occurred_at=now,
            )
        )

    def decline(self, reason: str, by: Principal, now: datetime) -> None:
        """The customer said no; the reason is kept for the service advisor's follow-up."""
        check_instant(now)
        self._require(EstimateStatus.PENDING_APPROVAL, "decline it")
        collect(check_text(reason, "reason", "Say why the customer declined.", max_length=2000))
        self.status = EstimateStatus.DECLINED
        self.decline_reason = reason.strip()
        self._audit(
            AuditEventType.ESTIMATE_DECLINED,
            AuditAction.DECLINE,
            by,
            now,
            {"reason": self.decline_reason, "customerId": self.customer_id},
        )

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
        self.audit_records.append(
            AuditRecord(
                event_type=event_type,
                resource_id=self.id,
                user_id=by.user_id,
                action=action,
                metadata={"revision": self.revision, **metadata},
                timestamp=now,
            )
        )

    def _require(self, status: EstimateStatus, to: str) -> None:
        if self.superseded_by is not None or self.status != status:
            raise self._invalid(to)

    def _invalid(self, to: str) -> InvalidTransition:
        if self.superseded_by is not None:
            return InvalidTransition(
                f"Estimate {self.number} revision {self.revision} ({self.status}) was "
                f"superseded by a newer revision; open that one to {to}.",
                field="status",
            )
        return InvalidTransition(
            f"Estimate {self.number} is {self.status}, so you cannot {to}"
            + ("; revise it to open a new draft." if self.status in REVISABLE else "."),
            field="status",
        )
