"""Location and approval-policy use cases on the in-memory unit of work."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from domain.errors import DomainError
from domain.locations import ApprovalMethod, PolicyMode
from resolvers.locations import use_cases
from tests.use_cases.fakes import Database, FakeUnitOfWork
from tests.use_cases.outcomes import refusal

Units = Callable[[], FakeUnitOfWork]

DEFAULT_POLICY = {
    "approval_method": ApprovalMethod.CLICK_CONFIRM,
    "legal_terms_text": "You agree to the work in this estimate.",
    "legal_terms_version": "2023-06-01",
    "expires_in_days": 14,
}


async def main_shop(uow: Units, location_id: str | None = None, **fields: Any) -> Any:
    return await use_cases.create_location(uow, {"id": location_id, "name": "Main shop", **fields})


async def test_a_location_takes_the_next_id_defaults_to_dollars_and_utc_and_ids_are_unique(
    uow: Units,
) -> None:
    first = await main_shop(uow)
    assert (first.id, first.currency_uom_id, first.time_zone, first.version) == (
        "LOC-001",
        "USD",
        "UTC",
        1,
    )
    assert (await main_shop(uow, name="Branch")).id == "LOC-002"
    with pytest.raises(DomainError) as refused:
        await main_shop(uow, "LOC-001")
    assert refusal(refused) == [("DUPLICATE_ID", "locationId")]


async def test_a_location_with_a_made_up_time_zone_and_currency_is_refused(
    uow: Units, database: Database
) -> None:
    with pytest.raises(DomainError) as refused:
        await use_cases.create_location(
            uow, {"name": " ", "currency_uom_id": "Dollar", "time_zone": "Mars/Olympus"}
        )
    assert refusal(refused) == [
        ("BAD_USER_INPUT", "name"),
        ("BAD_USER_INPUT", "currencyUomId"),
        ("BAD_USER_INPUT", "timeZone"),
    ]
    assert database.tables == {}


async def test_an_edited_location_keeps_what_was_not_sent_and_a_stale_edit_is_refused(
    uow: Units,
) -> None:
    await main_shop(uow, "LOC-001")
    edited = await use_cases.update_location(uow, "LOC-001", 1, {"time_zone": "America/Chicago"})
    assert (edited.name, edited.time_zone, edited.version) == ("Main shop", "America/Chicago", 2)
    with pytest.raises(DomainError) as refused:
        await use_cases.update_location(uow, "LOC-001", 1, {"time_zone": "UTC"})
    assert refusal(refused) == [("VERSION_CONFLICT", "version")]
    with pytest.raises(DomainError) as refused:
        await use_cases.update_location(uow, "LOC-001", 2, {"name": " ", "time_zone": "UTC"})
    assert refusal(refused) == [("BAD_USER_INPUT", "name")]
    stored = await use_cases.location(uow, "LOC-001")
    assert (stored.name, stored.time_zone, stored.version) == ("Main shop", "America/Chicago", 2)
    with pytest.raises(DomainError) as refused:
        await use_cases.update_location(uow, "LOC-404", 1, {"name": "Nowhere"})
    assert refusal(refused) == [("LOCATION_NOT_FOUND", "locationId")]


async def test_a_location_without_its_own_policy_uses_the_business_default(uow: Units) -> None:
    await main_shop(uow, "LOC-001")
    saved = await use_cases.set_approval_policy(uow, DEFAULT_POLICY, None)
    assert (saved.location_id, saved.policy_mode) == (None, PolicyMode.DEFAULT)
    applied = await use_cases.approval_policy(uow, "LOC-001")
    assert (applied.location_id, applied.policy_mode, applied.policy) == (
        "LOC-001",
        PolicyMode.DEFAULT,
        saved,
    )
    assert applied.policy.require_signature is False


async def test_a_locations_own_policy_wins_over_the_default(uow: Units) -> None:
    await main_shop(uow, "LOC-001")
    await use_cases.set_approval_policy(uow, DEFAULT_POLICY, None)
    own = await use_cases.set_approval_policy(
        uow, {**DEFAULT_POLICY, "location_id": "LOC-001", "approval_method": "SIGNATURE"}, None
    )
    applied = await use_cases.approval_policy(uow, "LOC-001")
    assert (applied.policy, applied.policy_mode) == (own, PolicyMode.LOCATION_SPECIFIC)
    assert own.require_signature is True


async def test_a_location_with_no_policy_and_no_default_is_not_configured(uow: Units) -> None:
    await main_shop(uow, "LOC-001")
    with pytest.raises(DomainError) as refused:
        await use_cases.approval_policy(uow, "LOC-001")
    assert refusal(refused) == [("APPROVAL_POLICY_NOT_CONFIGURED", "locationId")]
    assert "administrator" in refused.value.message


async def test_the_policy_of_an_unknown_location_is_location_not_found(
    uow: Units, database: Database
) -> None:
    await use_cases.set_approval_policy(uow, DEFAULT_POLICY, None)
    for call in (
        use_cases.approval_policy(uow, "LOC-404"),
        use_cases.set_approval_policy(uow, {**DEFAULT_POLICY, "location_id": "LOC-404"}, None),
        use_cases.location(uow, "LOC-404"),
    ):
        with pytest.raises(DomainError) as refused:
            await call
        assert refusal(refused) == [("LOCATION_NOT_FOUND", "locationId")]
    assert list(database.tables) == ["approval_policies"]
    assert len(database.tables["approval_policies"]) == 1, "only the default"


async def test_a_policy_that_contradicts_itself_or_never_lasts_is_refused(uow: Units) -> None:
    with pytest.raises(DomainError) as refused:
        await use_cases.set_approval_policy(
            uow,
            {
                "approval_method": ApprovalMethod.CLICK_CONFIRM,
                "require_signature": True,
                "legal_terms_text": "",
                "legal_terms_version": "v1",
                "expires_in_days": 0,
            },
            None,
        )
    assert refusal(refused) == [
        ("BAD_USER_INPUT", "requireSignature"),
        ("BAD_USER_INPUT", "legalTermsText"),
        ("BAD_USER_INPUT", "expiresInDays"),
    ]
    unsigned = {**DEFAULT_POLICY, "approval_method": "SIGNATURE", "require_signature": False}
    with pytest.raises(DomainError) as refused:
        await use_cases.set_approval_policy(uow, unsigned, None)
    assert refusal(refused) == [("BAD_USER_INPUT", "requireSignature")]


async def test_a_policy_is_replaced_only_at_the_version_the_administrator_read(
    uow: Units,
) -> None:
    await main_shop(uow, "LOC-001")
    own = {**DEFAULT_POLICY, "location_id": "LOC-001"}
    first = await use_cases.set_approval_policy(uow, own, None)
    await use_cases.set_approval_policy(uow, DEFAULT_POLICY, None)
    newer = {**own, "legal_terms_version": "2025-01-01"}
    for version in (None, 2):
        with pytest.raises(DomainError) as refused:
            await use_cases.set_approval_policy(uow, newer, version)
        assert refusal(refused) == [("VERSION_CONFLICT", "version")]
    assert (await use_cases.approval_policy(uow, "LOC-001")).policy == first
    replaced = await use_cases.set_approval_policy(uow, newer, first.version)
    assert (replaced.legal_terms_version, replaced.version) == ("2025-01-01", 2)
    applied = await use_cases.approval_policy(uow, "LOC-001")
    assert (applied.policy, applied.policy_mode) == (replaced, PolicyMode.LOCATION_SPECIFIC)
