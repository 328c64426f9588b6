"""Opportunities over HTTP: seed 004's allocation rules as codes, allocation holding
stock until the close date, a lost opportunity giving it back by itself, a won one
becoming a sales order with the same reservations, the pipeline report, permissions;
the checker finds nothing."""

from __future__ import annotations

from pathlib import Path

from domain.identity import Permission
from tests.conftest import Api, Services
from tests.e2e.test_sales_orders import START, open_sales
from tests.e2e.test_service_order_events import records_of
from tests.e2e.test_stock_ledger import check_inventory, numbers

CREATE = """mutation($p: Decimal!) {
  createOpportunity(input: {customerId: "CUST-1", salesRepId: "rep-7", stage: PROPOSAL,
    probability: $p, expectedCloseDate: "2099-01-01",
    items: [{sku: "OIL-1", locationId: "LOC-A", quantity: "4"}]}) {
    opportunityId version items { unitPrice value } } }"""
ALLOCATE = """mutation($id: ID!, $v: Int!) {
  allocateInventoryForOpportunity(opportunityId: $id, version: $v) {
    version allocated allocatedValue items { reservation { status referenceType expiresAt } } } }"""
STAGE = """mutation($id: ID!, $v: Int!, $stage: OpportunityStage!) {
  updateOpportunityStage(input: {opportunityId: $id, version: $v, stage: $stage,
    shippingAddress: {line1: "1 Main St", city: "Springfield", postalCode: "12345",
                      country: "US"}}) {
    opportunity { stage orderId version }
    order { orderId status version lines { reservationId } } } }"""
REPORT = """{ opportunityInventoryReport { totalOpportunities totalAllocatedValue
    opportunitiesByStage { stage count allocatedValue }
    inventoryAllocationBySku { sku locationId quantity value } }
  customer(id: "CUST-1") { opportunities { totalCount } }
  stockLevels(sku: "OIL-1", locationId: "LOC-A") { onHand reserved } }"""


async def test_opportunities_hold_stock_and_a_won_one_becomes_an_order(
    api: Api, services: Services, database_url: str, tmp_path: Path
) -> None:
    await open_sales(api)
    low = (await api.data(CREATE, {"p": "0.2"}))["createOpportunity"]
    assert await api.error_codes(ALLOCATE, {"id": low["opportunityId"], "v": 1}) == [
        "LOW_PROBABILITY_OPPORTUNITY"
    ]
    lost = await api.data(STAGE, {"id": low["opportunityId"], "v": 1, "stage": "CLOSED_LOST"})
    assert lost["updateOpportunityStage"]["order"] is None
    assert await api.error_codes(ALLOCATE, {"id": low["opportunityId"], "v": 2}) == [
        "OPPORTUNITY_LOST"
    ]

    likely = numbers(await api.data(CREATE, {"p": "0.6"}))["createOpportunity"]
    assert likely["items"] == [{"unitPrice": 9, "value": 36}]
    held = numbers(await api.data(ALLOCATE, {"id": "OPP-002", "v": 1}))
    allocated = held["allocateInventoryForOpportunity"]
    assert (allocated["allocated"], allocated["allocatedValue"]) == (True, 36)
    reservation = allocated["items"][0]["reservation"]
    assert (reservation["status"], reservation["referenceType"]) == ("ACTIVE", "OPPORTUNITY")
    report = numbers(await api.data(REPORT))
    assert report["opportunityInventoryReport"]["totalAllocatedValue"] == 36
    assert report["opportunityInventoryReport"]["inventoryAllocationBySku"] == [
        {"sku": "OIL-1", "locationId": "LOC-A", "quantity": 4, "value": 36}
    ]
    assert report["customer"]["opportunities"]["totalCount"] == 2
    assert report["stockLevels"] == [{"onHand": 10, "reserved": 4}]

    won = (await api.data(STAGE, {"id": "OPP-002", "v": 2, "stage": "CLOSED_WON"}))[
        "updateOpportunityStage"
    ]
    assert won["opportunity"]["stage"] == "CLOSED_WON"
    assert won["order"]["status"] == "INVENTORY_ALLOCATED"
    assert won["order"]["lines"] == [{"reservationId": "OPP-002-I1-V2"}]
    assert won["opportunity"]["orderId"] == won["order"]["orderId"] == "SO-001"
    await api.data(START, {"id": "SO-001", "v": won["order"]["version"]})
    after = numbers(await api.data(REPORT))
    assert after["stockLevels"] == [{"onHand": 6, "reserved": 0}]
    assert after["opportunityInventoryReport"]["totalOpportunities"] == 0

    reader = api.as_tenant(api.tenant, [Permission.OPPORTUNITY_READ])
    assert await reader.error_codes(CREATE, {"p": "0.5"}) == ["FORBIDDEN"]
    found = await records_of(
        services,
        api.tenant,
        {"sales.opportunity.inventory_allocated": 1, "sales.opportunity.stage_changed": 2},
    )
    [event] = found["sales.opportunity.inventory_allocated"]
    assert event["eventType"] == "OpportunityInventoryAllocatedEvent"
    checked = check_inventory(database_url, api.tenant, tmp_path)
    assert (checked.returncode, checked.stdout) == (0, "")
