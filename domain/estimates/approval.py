"""The customer's approval of an estimate, under the location's approval policy.

The policy is the one in force when the estimate was submitted: the customer agrees to
the legal terms they were shown, and the estimate stays valid `expiresInDays` from that
submission. A policy edited later applies to the next revision, not to this one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.errors import DomainError
from domain.locations import ApprovalMethod, ApprovalPolicy


class SignatureRequired(DomainError):
    code = "SIGNATURE_REQUIRED"


@dataclass(frozen=True, slots=True)
class ApprovalRecord:
    """How, by whom and when an estimate was approved, and which terms were agreed to."""

    method: ApprovalMethod
    approved_by: str
    approved_at: datetime
    legal_terms_version: str
    signature: str | None = None

    @property
    def signature_present(self) -> bool:
        return self.signature is not None


def record_approval(
    policy: ApprovalPolicy, approved_by: str, approved_at: datetime, signature: str | None
) -> ApprovalRecord:
    """The approval, if it carries what the policy asks for (a signature for SIGNATURE)."""
    captured = signature if signature and signature.strip() else None
    if policy.require_signature and captured is None:
        raise SignatureRequired(
            "This location's approval policy requires the customer's signature; capture "
            "it before approving.",
            field="signature",
        )
    return ApprovalRecord(
        method=policy.approval_method,
        approved_by=approved_by,
        approved_at=approved_at,
        legal_terms_version=policy.legal_terms_version,
        signature=captured,
    )
