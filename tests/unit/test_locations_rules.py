"""Locations and which approval policy applies where, without I/O."""

from __future__ import annotations

from typing import Any

import pytest

from domain.errors import DomainError
from domain.locations import (
    ApprovalMethod,
    ApprovalPolicy,
    Location,
    PolicyMode,
    policy_for,
)


def policy(
    method: ApprovalMethod, location_id: str | None = None, **changes: object
) -> ApprovalPolicy:
    values: dict[str, Any] = {
        "approval_method": method,
        "legal_terms_text": "You authorize the work.",
        "legal_terms_version": "2024-01-01",
        "expires_in_days": 7,
        "location_id": location_id,
        **changes,
    }
    return ApprovalPolicy(**values)


def test_a_locations_own_policy_wins_over_the_default() -> None:
    own = policy(ApprovalMethod.SIGNATURE, "LOC-001")
    applied = policy_for("LOC-001", own, policy(ApprovalMethod.VERBAL))
    assert (applied.policy, applied.policy_mode) == (own, PolicyMode.LOCATION_SPECIFIC)


def test_a_location_without_a_policy_uses_the_default() -> None:
    default = policy(ApprovalMethod.CLICK_CONFIRM)
    applied = policy_for("LOC-002", None, default)
    assert (applied.location_id, applied.policy_mode) == ("LOC-002", PolicyMode.DEFAULT)


def test_with_no_policy_at_all_approvals_are_not_configured() -> None:
    with pytest.raises(DomainError) as raised:
        policy_for("LOC-003", None, None)
    assert raised.value.code == "APPROVAL_POLICY_NOT_CONFIGURED"


@pytest.mark.parametrize(
    ("method", "signature"),
    [(ApprovalMethod.SIGNATURE, True), (ApprovalMethod.CLICK_CONFIRM, False)],
)
def test_require_signature_follows_from_the_approval_method(
    method: ApprovalMethod, signature: bool
) -> None:
    assert policy(method).require_signature is signature
    assert policy(method, require_signature=signature).require_signature is signature
    with pytest.raises(DomainError) as raised:
        policy(method, require_signature=not signature)
    assert raised.value.field == "requireSignature"


@pytest.mark.parametrize("days", [0, -1])
def test_an_approval_stays_open_at_least_a_day(days: int) -> None:
    with pytest.raises(DomainError) as raised:
        policy(ApprovalMethod.VERBAL, expires_in_days=days)
    assert raised.value.field == "expiresInDays"


def test_a_location_needs_a_known_currency_and_time_zone() -> None:
    assert Location("L", "Shop", "eur", "Europe/Berlin").currency_uom_id == "EUR"
    with pytest.raises(DomainError) as raised:
        Location("L", "Shop", "EURO", "Berlin")
    assert [e.field for e in raised.value.each()] == ["currencyUomId", "timeZone"]
