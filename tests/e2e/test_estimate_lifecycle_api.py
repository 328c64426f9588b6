"""Submitting, approving, declining and revising estimates through the API, with the audit
trail each decision leaves, a captured signature, two approvals racing and the database
guarding the trail. The rules of each move (transitions, reasons, expiry, stale versions)
are tested on the use cases, in tests/use_cases/test_estimates.py; expiry by the
gateway's clock in test_estimate_clock.py."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import Api
from tests.e2e.estimate_shop import (
    APPROVE,
    DECLINE,
    READ,
    REVISE,
    open_shop,
    run,
    submitted,
)
from tests.e2e.test_estimates_api import codes_and_fields

TRAIL = """
query($id: ID!) {
  auditTrail(resourceType: "ESTIMATE", resourceId: $id) {
    auditEventId eventType resourceType resourceId userId action metadata timestamp
  }
}"""
REVISIONS = """
query($n: String!) { estimateRevisions(estimateNumber: $n) {
  estimateId revision status supersededById previousRevisionId totals { grandTotal } } }"""


async def test_submit_then_approve_records_the_policy_the_approval_and_the_trail(
    api: Api,
) -> None:
    await open_shop(api)
    pending = await submitted(api)
    assert (pending["status"], pending["legalTermsVersion"]) == ("PENDING_APPROVAL", "2024-01-01")
    assert pending["validUntil"] == pending["expiresAt"][:10]

    approved = await run(api, APPROVE, estimateId="EST-001", version=pending["version"])

    assert approved["status"] == "APPROVED"
    assert approved["approval"]["approvalMethod"] == "CLICK_CONFIRM"
    assert approved["approval"]["approvedBy"] == "user-1"
    assert approved["approval"]["legalTermsVersion"] == "2024-01-01"
    assert approved["approval"]["signaturePresent"] is False
    assert (await api.data(READ, {"id": "EST-001"}))["estimate"] == approved
    trail = (await api.data(TRAIL, {"id": "EST-001"}))["auditTrail"]
    assert [(e["eventType"], e["action"], e["userId"]) for e in trail] == [
        ("ESTIMATE_SUBMITTED", "SUBMIT", "user-1"),
        ("ESTIMATE_APPROVED", "APPROVE", "user-1"),
    ]
    assert len({e["auditEventId"] for e in trail}) == 2
    assert pending["latestAuditEventId"] == trail[0]["auditEventId"]
    assert approved["latestAuditEventId"] == trail[1]["auditEventId"]
    assert trail[0]["metadata"]["grandTotal"] == "160.79"
    assert trail[1]["metadata"] == {
        "revision": 1,
        "approvalMethod": "CLICK_CONFIRM",
        "customerId": "CUST-001",
        "signaturePresent": False,
        "legalTermsVersion": "2024-01-01",
    }


async def test_a_signature_policy_refuses_an_approval_without_one(api: Api) -> None:
    await open_shop(api, approval_method="SIGNATURE")
    pending = await submitted(api)
    refused = await api(
        APPROVE, {"input": {"estimateId": "EST-001", "version": pending["version"]}}
    )
    assert codes_and_fields(refused) == [("SIGNATURE_REQUIRED", "signature")]
    assert (await api.data(READ, {"id": "EST-001"}))["estimate"]["status"] == "PENDING_APPROVAL"
    assert [e["action"] for e in (await api.data(TRAIL, {"id": "EST-001"}))["auditTrail"]] == [
        "SUBMIT"
    ]

    approved = await run(
        api, APPROVE, estimateId="EST-001", version=pending["version"], signature="data:image/png"
    )
    assert approved["approval"]["approvalMethod"] == "SIGNATURE"
    assert approved["approval"]["signaturePresent"] is True


async def test_revising_opens_a_new_draft_and_keeps_the_old_revision_readable(api: Api) -> None:
    await open_shop(api)
    pending = await submitted(api)
    declined = await run(
        api, DECLINE, estimateId="EST-001", version=pending["version"], reason="Later"
    )
    assert (declined["status"], declined["declineReason"]) == ("DECLINED", "Later")
    revised = await run(api, REVISE, estimateId="EST-001", version=declined["version"])

    assert (revised["estimateId"], revised["estimateNumber"], revised["revision"]) == (
        "EST-001-R2",
        "EST-001",
        2,
    )
    assert (revised["status"], revised["previousRevisionId"]) == ("DRAFT", "EST-001")
    assert revised["totals"] == declined["totals"]
    revisions = (await api.data(REVISIONS, {"n": "EST-001"}))["estimateRevisions"]
    assert [(r["estimateId"], r["status"], r["supersededById"]) for r in revisions] == [
        ("EST-001", "DECLINED", "EST-001-R2"),
        ("EST-001-R2", "DRAFT", None),
    ]
    again = await api(
        REVISE, {"input": {"estimateId": "EST-001", "version": declined["version"] + 1}}
    )
    assert codes_and_fields(again) == [("INVALID_TRANSITION", "status")]
    trail = (await api.data(TRAIL, {"id": "EST-001-R2"}))["auditTrail"]
    assert [(e["action"], e["metadata"]["previousEstimateId"]) for e in trail] == [
        ("REVISE", "EST-001")
    ]
    draft_revision = await api(REVISE, {"input": {"estimateId": "EST-001-R2", "version": 1}})
    assert codes_and_fields(draft_revision) == [("INVALID_TRANSITION", "status")]


async def test_of_two_approvals_racing_exactly_one_wins(api: Api) -> None:
    await open_shop(api)
    pending = await submitted(api)
    request = {"input": {"estimateId": "EST-001", "version": pending["version"]}}

    first, second = await asyncio.gather(api(APPROVE, request), api(APPROVE, request))

    outcomes = sorted(("errors" in body) for body in (first, second))
    assert outcomes == [False, True]
    loser = first if "errors" in first else second
    assert loser["errors"][0]["extensions"]["code"] in ("VERSION_CONFLICT", "INVALID_TRANSITION")
    trail = (await api.data(TRAIL, {"id": "EST-001"}))["auditTrail"]
    assert [e["action"] for e in trail] == ["SUBMIT", "APPROVE"]


async def test_the_database_refuses_to_change_or_delete_an_audit_event(
    api: Api, engine: AsyncEngine
) -> None:
    await open_shop(api)
    await submitted(api)
    for statement in (
        "UPDATE audit_events SET user_id = 'someone-else' WHERE tenant_id = :t",
        "DELETE FROM audit_events WHERE tenant_id = :t",
    ):
        with pytest.raises(DBAPIError, match="audit events are immutable"):
            async with engine.begin() as connection:
                await connection.execute(text(statement), {"t": api.tenant})
    trail = (await api.data(TRAIL, {"id": "EST-001"}))["auditTrail"]
    assert [(e["action"], e["userId"]) for e in trail] == [("SUBMIT", "user-1")]
