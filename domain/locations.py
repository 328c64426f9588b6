"""Shop locations and the approval policy a customer agrees to when approving an estimate.

A location may have its own approval policy (policy mode LOCATION_SPECIFIC); one without
falls back to the tenant's default (mode DEFAULT); with neither, estimates there cannot
be approved until an administrator sets one (APPROVAL_POLICY_NOT_CONFIGURED).

`requireSignature` is not a second setting but follows from the approval method: only
SIGNATURE captures a signature, so a client may omit it, and one that contradicts the
method is refused rather than stored as a policy nobody can satisfy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.checks import check_identifier, check_text
from domain.edits import Edited
from domain.errors import DomainError, InvalidInput, VersionConflict, collect
from domain.events import DomainEvent
from domain.money import DEFAULT_CURRENCY, check_currency, normalize_currency


class LocationNotFound(DomainError):
    code = "LOCATION_NOT_FOUND"


class ApprovalPolicyNotConfigured(DomainError):
    code = "APPROVAL_POLICY_NOT_CONFIGURED"


def no_location(location_id: str) -> LocationNotFound:
    return LocationNotFound(f"Location '{location_id}' was not found.", field="locationId")


class ApprovalMethod(StrEnum):
    SIGNATURE = "SIGNATURE"
    CLICK_CONFIRM = "CLICK_CONFIRM"
    VERBAL = "VERBAL"


class PolicyMode(StrEnum):
    LOCATION_SPECIFIC = "LOCATION_SPECIFIC"
    DEFAULT = "DEFAULT"


def check_time_zone(time_zone: str | None) -> InvalidInput | None:
    problem = InvalidInput(
        f"Time zone '{time_zone}' is not an IANA name such as America/Chicago or UTC.",
        field="timeZone",
    )
    if not time_zone or time_zone != time_zone.strip():
        return problem
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return problem
    return None


@dataclass(eq=False)
class Location(Edited):
    """A shop location; it records no events, as the seeds publish none for locations."""

    id: str
    name: str
    currency_uom_id: str = DEFAULT_CURRENCY
    time_zone: str = "UTC"
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None
    events: list[DomainEvent] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        collect(
            check_identifier(self.id, "locationId"),
            check_text(self.name, "name", "A location needs a name."),
            check_currency(self.currency_uom_id),
            check_time_zone(self.time_zone),
        )
        self.name = self.name.strip()
        self.currency_uom_id = normalize_currency(self.currency_uom_id)

    def edit(self, **changes: Any) -> None:
        """The location as an administrator edited it, if every field passes."""
        self._apply(changes)


def check_require_signature(
    method: ApprovalMethod | None, require_signature: bool | None
) -> InvalidInput | None:
    if method is None or require_signature is None:
        return None
    if require_signature == (method == ApprovalMethod.SIGNATURE):
        return None
    message = (
        f"{method} approval captures no signature; set requireSignature to false (or leave "
        "it empty), or choose SIGNATURE."
        if require_signature
        else "A SIGNATURE approval always captures a signature; set requireSignature to true "
        "or leave it empty."
    )
    return InvalidInput(message, field="requireSignature")


@dataclass(frozen=True, slots=True)
class ApprovalPolicy:
    """The terms a customer accepts; `location_id` None is the tenant's default policy."""

    approval_method: ApprovalMethod
    legal_terms_text: str
    legal_terms_version: str
    expires_in_days: int
    location_id: str | None = None
    require_signature: bool | None = None
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def __post_init__(self) -> None:
        collect(
            None
            if self.approval_method is not None
            else InvalidInput("Choose an approval method.", field="approvalMethod"),
            check_require_signature(self.approval_method, self.require_signature),
            check_text(
                self.legal_terms_text,
                "legalTermsText",
                "Enter the legal terms the customer agrees to.",
                max_length=100_000,
            ),
            check_text(
                self.legal_terms_version,
                "legalTermsVersion",
                "Enter the version of the legal terms (for example 2024-01-01).",
                max_length=64,
            ),
            None
            if self.expires_in_days is not None and self.expires_in_days > 0
            else InvalidInput(
                f"An approval must stay open at least one day; got {self.expires_in_days}.",
                field="expiresInDays",
            ),
        )
        method = ApprovalMethod(self.approval_method)
        object.__setattr__(self, "approval_method", method)
        object.__setattr__(self, "require_signature", method == ApprovalMethod.SIGNATURE)
        object.__setattr__(self, "legal_terms_version", self.legal_terms_version.strip())

    @property
    def policy_mode(self) -> PolicyMode:
        return PolicyMode.DEFAULT if self.location_id is None else PolicyMode.LOCATION_SPECIFIC


@dataclass(frozen=True, slots=True)
class AppliedApprovalPolicy:
    """The policy that governs approvals at one location, and whether it is its own."""

    location_id: str
    policy: ApprovalPolicy

    @property
    def policy_mode(self) -> PolicyMode:
        return self.policy.policy_mode


def policy_conflict(location_id: str | None, version: int | None) -> VersionConflict:
    """A policy is set with the version the administrator read: none to create it."""
    policy = (
        "The business default approval policy"
        if location_id is None
        else f"The approval policy of location '{location_id}'"
    )
    if version is None:
        return VersionConflict(
            f"{policy} exists already; read it and send its version to replace it.",
            field="version",
        )
    return VersionConflict(
        f"{policy} is not at version {version} (someone changed it meanwhile, or it does "
        "not exist); reload it and apply your change again.",
        field="version",
    )


def policy_for(
    location_id: str, own: ApprovalPolicy | None, tenant_default: ApprovalPolicy | None
) -> AppliedApprovalPolicy:
    """A location's own policy wins; else the tenant default; else approvals are blocked."""
    chosen = own or tenant_default
    if chosen is None:
        raise ApprovalPolicyNotConfigured(
            f"No approval policy is configured for location '{location_id}' and the business "
            "has no default one; ask an administrator to set one.",
            field="locationId",
        )
    return AppliedApprovalPolicy(location_id=location_id, policy=chosen)
