"""Locations and their approval policies through the API, over real HTTP: the field
names, one happy path per mutation, a refusal as the client sees it, the real upsert,
tenancy and permissions. The rules are tested in tests/use_cases/test_locations.py."""

from __future__ import annotations

from typing import Any

from domain.identity import Permission
from tests.conftest import Api

CREATE_LOCATION = """
mutation($input: CreateLocationInput!) {
  createLocation(input: $input) { locationId name currencyUomId timeZone version }
}"""
UPDATE_LOCATION = """
mutation($input: UpdateLocationInput!) {
  updateLocation(input: $input) { locationId name currencyUomId timeZone version }
}"""
SET_POLICY = """
mutation($input: SetApprovalPolicyInput!) {
  setApprovalPolicy(input: $input) {
    locationId approvalMethod requireSignature legalTermsText legalTermsVersion policyMode
    expiresInDays
  }
}"""
APPROVAL_POLICY = """
query($locationId: ID!) {
  approvalPolicy(locationId: $locationId) {
    locationId approvalMethod requireSignature legalTermsText legalTermsVersion policyMode
    expiresInDays
  }
}"""

TERMS = "By signing below, you authorize the work described in this estimate..."
SEED_POLICY = {
    "locationId": "LOC-001",
    "approvalMethod": "SIGNATURE",
    "requireSignature": True,
    "legalTermsText": TERMS,
    "legalTermsVersion": "2024-01-01",
    "policyMode": "LOCATION_SPECIFIC",
    "expiresInDays": 7,
}
DEFAULT_POLICY_INPUT = {
    "approvalMethod": "CLICK_CONFIRM",
    "legalTermsText": "You agree to the work in this estimate.",
    "legalTermsVersion": "2023-06-01",
    "expiresInDays": 14,
}


async def add_location(api: Api, location_id: str | None = None, **fields: Any) -> dict[str, Any]:
    created = await api.data(
        CREATE_LOCATION, {"input": {"locationId": location_id, "name": "Main shop", **fields}}
    )
    return created["createLocation"]


async def test_a_new_location_answers_its_id_currency_time_zone_and_version(api: Api) -> None:
    assert await add_location(api) == {
        "locationId": "LOC-001",
        "name": "Main shop",
        "currencyUomId": "USD",
        "timeZone": "UTC",
        "version": 1,
    }


async def test_an_edited_location_keeps_what_was_not_sent_and_a_stale_edit_is_refused(
    api: Api,
) -> None:
    await add_location(api, "LOC-001")
    edit = {"locationId": "LOC-001", "version": 1, "timeZone": "America/Chicago"}
    edited = await api.data(UPDATE_LOCATION, {"input": edit})
    assert edited["updateLocation"] == {
        "locationId": "LOC-001",
        "name": "Main shop",
        "currencyUomId": "USD",
        "timeZone": "America/Chicago",
        "version": 2,
    }
    assert await api.error_codes(UPDATE_LOCATION, {"input": edit}) == ["VERSION_CONFLICT"]
    unversioned = {"locationId": "LOC-001", "name": "Anything"}
    assert await api.error_codes(UPDATE_LOCATION, {"input": unversioned}) == ["BAD_USER_INPUT"]


async def test_a_location_with_its_own_policy_answers_the_seed_policy(api: Api) -> None:
    await add_location(api, "LOC-001")
    own = {k: v for k, v in SEED_POLICY.items() if k not in ("policyMode", "requireSignature")}
    saved = await api.data(SET_POLICY, {"input": own})
    assert saved["setApprovalPolicy"] == SEED_POLICY
    await api.data(SET_POLICY, {"input": DEFAULT_POLICY_INPUT})
    found = await api.data(APPROVAL_POLICY, {"locationId": "LOC-001"})
    assert found["approvalPolicy"] == SEED_POLICY


async def test_a_location_without_its_own_policy_uses_the_business_default(api: Api) -> None:
    await add_location(api, "LOC-001")
    saved = await api.data(SET_POLICY, {"input": DEFAULT_POLICY_INPUT})
    assert saved["setApprovalPolicy"]["locationId"] is None
    assert saved["setApprovalPolicy"]["policyMode"] == "DEFAULT"
    found = (await api.data(APPROVAL_POLICY, {"locationId": "LOC-001"}))["approvalPolicy"]
    assert found == {
        **DEFAULT_POLICY_INPUT,
        "locationId": "LOC-001",
        "requireSignature": False,
        "policyMode": "DEFAULT",
    }


async def test_setting_a_policy_again_at_the_version_read_replaces_it(api: Api) -> None:
    await add_location(api, "LOC-001")
    await api.data(SET_POLICY, {"input": {**DEFAULT_POLICY_INPUT, "locationId": "LOC-001"}})
    read = await api.data('{ approvalPolicy(locationId: "LOC-001") { version } }')
    newer = {**DEFAULT_POLICY_INPUT, "locationId": "LOC-001", "legalTermsVersion": "2025-01-01"}
    assert await api.error_codes(SET_POLICY, {"input": newer}) == ["VERSION_CONFLICT"]
    await api.data(SET_POLICY, {"input": {**newer, **read["approvalPolicy"]}})
    found = (await api.data(APPROVAL_POLICY, {"locationId": "LOC-001"}))["approvalPolicy"]
    assert (found["legalTermsVersion"], found["policyMode"]) == ("2025-01-01", "LOCATION_SPECIFIC")


async def test_another_tenants_location_and_default_policy_do_not_apply(api: Api) -> None:
    await add_location(api, "LOC-001")
    await api.data(SET_POLICY, {"input": DEFAULT_POLICY_INPUT})
    stranger = api.as_tenant(f"{api.tenant}-other")
    assert await stranger.error_codes(APPROVAL_POLICY, {"locationId": "LOC-001"}) == [
        "LOCATION_NOT_FOUND"
    ]
    await stranger.data(CREATE_LOCATION, {"input": {"locationId": "LOC-001", "name": "Theirs"}})
    assert await stranger.error_codes(APPROVAL_POLICY, {"locationId": "LOC-001"}) == [
        "APPROVAL_POLICY_NOT_CONFIGURED"
    ]


async def test_locations_need_the_location_permissions(api: Api) -> None:
    reader = api.as_tenant(api.tenant, [Permission.LOCATION_READ])
    assert await reader.error_codes(SET_POLICY, {"input": DEFAULT_POLICY_INPUT}) == ["FORBIDDEN"]
    assert await reader.error_codes(CREATE_LOCATION, {"input": {"name": "X"}}) == ["FORBIDDEN"]
    outsider = api.as_tenant(api.tenant, [Permission.TAX_READ])
    assert await outsider.error_codes(APPROVAL_POLICY, {"locationId": "LOC-001"}) == ["FORBIDDEN"]
