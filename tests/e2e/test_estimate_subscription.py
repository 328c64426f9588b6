"""`estimateStatusChanged` over a real websocket, fed by the outbox, Kafka and the hub."""

from __future__ import annotations

from datetime import datetime

from domain.identity import Permission
from tests.conftest import ALL_PERMISSIONS, Api, RunningGateway, token
from tests.e2e.estimate_shop import (
    ADD_PART,
    APPROVE,
    CREATE,
    SET_POLICY,
    SUBMIT,
    open_shop,
    run,
    seed_estimate,
)
from tests.e2e.test_pricing_api import set_up_location
from tests.graphql_ws import Subscriber

WATCH = """subscription($estimateId: ID, $locationId: ID) {
  estimateStatusChanged(estimateId: $estimateId, locationId: $locationId) {
    cursor eventId estimateId estimateNumber revision previousStatus newStatus locationId
    customerId grandTotal previousEstimateId statusChangedAt statusChangedBy
  }
}"""
NORTH_POLICY = {
    "locationId": "LOC-002",
    "approvalMethod": "CLICK_CONFIRM",
    "legalTermsText": "By confirming, you authorize the work described.",
    "legalTermsVersion": "2024-01-01",
    "expiresInDays": 7,
}


async def watch(
    gateway: RunningGateway, tenant: str, permissions: list[str] | None = None, **variables: str
) -> Subscriber:
    subscriber = await Subscriber(gateway.url, token(tenant, permissions)).connect()
    await subscriber.acknowledged()
    await subscriber.subscribe(WATCH, variables)
    return subscriber


async def test_a_locations_dashboard_sees_its_estimates_move_live(
    api: Api, gateway: RunningGateway
) -> None:
    await open_shop(api)
    await set_up_location(api, "LOC-002", name="North")
    await api.data(SET_POLICY, {"input": NORTH_POLICY})
    estimate = await seed_estimate(api)
    elsewhere = await run(
        api, CREATE, customerId="CUST-001", vehicleId="VEH-001", locationId="LOC-002"
    )
    here = await watch(gateway, api.tenant, locationId="LOC-001")
    one = await watch(gateway, api.tenant, estimateId="EST-001")
    north = await watch(gateway, api.tenant, locationId="LOC-002")
    await gateway.subscribed(api.tenant, 3)
    try:
        pending = await run(api, SUBMIT, estimateId="EST-001", version=estimate["version"])
        await run(api, APPROVE, estimateId="EST-001", version=pending["version"])

        seen = [(await here.next_data())["estimateStatusChanged"] for _ in range(2)]
        followed = [(await one.next_data())["estimateStatusChanged"] for _ in range(2)]
        wiper = await run(
            api,
            ADD_PART,
            estimateId="EST-002",
            version=elsewhere["version"],
            description="Wiper blade",
            unitPrice="12.00",
            quantity="1",
            taxCode="TAXABLE_GOODS",
        )
        await run(api, SUBMIT, estimateId="EST-002", version=wiper["version"])
        up_north = (await north.next_data())["estimateStatusChanged"]
    finally:
        for subscriber in (here, one, north):
            await subscriber.close()

    assert seen == followed
    assert [(e["previousStatus"], e["newStatus"]) for e in seen] == [
        ("DRAFT", "PENDING_APPROVAL"),
        ("PENDING_APPROVAL", "APPROVED"),
    ]
    assert {(e["estimateId"], e["locationId"], e["grandTotal"]) for e in seen} == {
        ("EST-001", "LOC-001", "160.79")
    }
    assert {(e["estimateNumber"], e["revision"], e["previousEstimateId"]) for e in seen} == {
        ("EST-001", 1, None)
    }
    assert int(seen[0]["cursor"]) < int(seen[1]["cursor"])
    assert len({e["eventId"] for e in seen}) == 2
    assert all(datetime.fromisoformat(e["statusChangedAt"]).tzinfo for e in seen)
    # LOC-002's dashboard saw nothing of LOC-001: its first event is its own estimate's.
    assert (up_north["estimateId"], up_north["locationId"]) == ("EST-002", "LOC-002")
    assert elsewhere["estimateId"] == "EST-002"


async def test_watching_estimates_needs_the_read_permission(
    api: Api, gateway: RunningGateway
) -> None:
    permissions = [p for p in ALL_PERMISSIONS if p != Permission.ESTIMATE_READ]
    subscriber = await watch(gateway, api.tenant, permissions, locationId="LOC-001")
    try:
        message = await subscriber.receive()
    finally:
        await subscriber.close()
    assert message["type"] == "error"
    assert message["payload"][0]["extensions"]["code"] == "FORBIDDEN"
