"""Estimates keep the gateway's time: decisions are stamped, and validity read, by its clock.

The gateway is built with a ManualClock, so the instants are the test's own and an
estimate expires when the test moves the clock past its validity, not when a week passes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.clock import ManualClock
from tests.conftest import Api
from tests.e2e import clock_steps
from tests.e2e.clock_steps import T0
from tests.e2e.estimate_shop import APPROVE, READ, open_shop, submitted

module_clock, timed_http = clock_steps.module_clock, clock_steps.timed_http
clock, timed = clock_steps.clock, clock_steps.timed


async def test_an_estimate_is_submitted_and_expires_by_the_gateways_clock(
    timed: Api, clock: ManualClock
) -> None:
    await open_shop(timed)
    pending = await submitted(timed)
    assert datetime.fromisoformat(pending["submittedAt"]) == T0
    assert datetime.fromisoformat(pending["expiresAt"]) == T0 + timedelta(days=7)

    clock.advance(timedelta(days=7) - timedelta(seconds=1))
    read = (await timed.data(READ, {"id": pending["estimateId"]}))["estimate"]
    assert read["status"] == "PENDING_APPROVAL"

    clock.advance(timedelta(seconds=1))
    read = (await timed.data(READ, {"id": pending["estimateId"]}))["estimate"]
    assert read["status"] == "EXPIRED"
    refused = await timed.error_codes(
        APPROVE, {"input": {"estimateId": pending["estimateId"], "version": pending["version"]}}
    )
    assert refused == ["ESTIMATE_EXPIRED"]


LISTED = """query($status: [EstimateStatus!]) {
  estimates(status: $status) { totalCount items { estimateId status } }
  customer(id: "CUST-001") { estimates(status: $status) { totalCount nodes { estimateId } } } }"""


async def test_lists_narrow_by_the_status_a_customer_sees_now(
    timed: Api, clock: ManualClock
) -> None:
    await open_shop(timed)
    pending = await submitted(timed)

    async def listed(status: str) -> tuple[int, int]:
        found = await timed.data(LISTED, {"status": [status]})
        assert {e["status"] for e in found["estimates"]["items"]} <= {status}
        return found["estimates"]["totalCount"], found["customer"]["estimates"]["totalCount"]

    clock.advance(timedelta(days=7) - timedelta(seconds=1))
    assert await listed("PENDING_APPROVAL") == (1, 1)
    assert await listed("EXPIRED") == (0, 0)
    clock.advance(timedelta(seconds=1))
    assert await listed("PENDING_APPROVAL") == (0, 0)
    assert await listed("EXPIRED") == (1, 1)
    found = await timed.data(LISTED, {"status": ["EXPIRED"]})
    assert found["customer"]["estimates"]["nodes"] == [{"estimateId": pending["estimateId"]}]
