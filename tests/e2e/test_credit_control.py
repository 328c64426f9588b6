"""Credit control through the API: a customer blocked by a user, by a credit limit set
below what they owe, and refused new service orders, estimate approvals and sales
orders until a user with the permission unblocks them; creditImpact by amount."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.identity import Permission
from persistence.tables import outbox
from tests.conftest import ALL_PERMISSIONS, Api, Services
from tests.e2e import estimate_shop
from tests.e2e.ledger_checks import assert_the_ledger_holds
from tests.e2e.service_order_steps import create_order, open_shop
from tests.e2e.test_invoices_api import PADS, POST, draft
from tests.e2e.test_sales_orders import open_sales, process
from tests.e2e.test_service_order_events import records_of

BLOCKED_TOPIC = "finance.ar.customer.blocked"

BLOCK = """mutation($c: ID!, $reason: String!) { blockCustomer(customerId: $c, reason: $reason) {
  customerId blocked blockedReason blockedBy customer { name } } }"""
UNBLOCK = """mutation($c: ID!, $reason: String! = "Paid in full") {
  unblockCustomer(customerId: $c, reason: $reason) {
    blocked blockedReason unblockReason unblockedBy } }"""
LIMIT = """mutation($c: ID!, $limit: Decimal, $v: Int!) {
  setCreditLimit(customerId: $c, creditLimit: $limit, version: $v) {
    creditLimit blocked blockedReason version } }"""
STANDING = """query($c: ID!) { customer(id: $c) { creditLimit blocked blockedReason } }"""
IMPACT = """query($c: ID!, $amount: Decimal!) { creditImpact(customerId: $c, amount: $amount) {
  customerId sku totalValue creditLimit currentCreditUsed availableCredit creditImpact
  blockedReason canProcessOrder } }"""


async def blocked_reason(api: Api, query: str, variables: dict) -> tuple[str, str]:
    body = await api(query, variables)
    [error] = body["errors"]
    return error["extensions"]["code"], error["extensions"]["reason"]


async def outbox_types(engine: AsyncEngine, tenant: str, aggregate_id: str) -> list[str]:
    async with engine.connect() as connection:
        found = await connection.execute(
            select(outbox.c.event_type)
            .where(outbox.c.tenant_id == tenant, outbox.c.aggregate_id == aggregate_id)
            .order_by(outbox.c.position)
        )
        return list(found.scalars())


async def test_a_blocked_customer_gets_no_service_order_until_unblocked(
    api: Api, engine: AsyncEngine, services: Services
) -> None:
    shop = await open_shop(api)
    customer = shop["customer"]
    blocked = await api.data(BLOCK, {"c": customer, "reason": "Cheque bounced"})
    assert blocked["blockCustomer"] == {
        "customerId": customer,
        "blocked": True,
        "blockedReason": "Cheque bounced",
        "blockedBy": "user-1",
        "customer": {"name": "Fleet Co"},
    }
    assert (await api.data(STANDING, {"c": customer}))["customer"] == {
        "creditLimit": None,
        "blocked": True,
        "blockedReason": "Cheque bounced",
    }
    body = await api(
        """mutation($input: CreateServiceOrderInput!) {
          createServiceOrder(input: $input) { serviceOrderId } }""",
        {
            "input": {
                "customerId": customer,
                "vehicleId": shop["vehicle"],
                "locationId": "LOC-001",
                "priority": "HIGH",
                "description": "Brakes",
            }
        },
    )
    [error] = body["errors"]
    assert (error["extensions"]["code"], error["extensions"]["reason"]) == (
        "CUSTOMER_BLOCKED",
        "Cheque bounced",
    )
    assert "Cheque bounced" in error["message"]
    by_part = """query($c: ID!) { creditImpact(customerId: $c, sku: "BRK-PAD-F", quantity: "1") {
      totalValue canProcessOrder blockedReason } }"""
    assert (await api.data(by_part, {"c": customer}))["creditImpact"] == {
        "totalValue": "89.99",
        "canProcessOrder": False,
        "blockedReason": "Cheque bounced",
    }

    without = [p for p in ALL_PERMISSIONS if p != Permission.CUSTOMER_BLOCK]
    clerk = api.as_tenant(api.tenant, without)
    assert await clerk.error_codes(UNBLOCK, {"c": customer}) == ["FORBIDDEN"]
    assert await clerk.error_codes(BLOCK, {"c": customer, "reason": "x"}) == ["FORBIDDEN"]
    unblocked = (await api.data(UNBLOCK, {"c": customer}))["unblockCustomer"]
    assert unblocked == {
        "blocked": False,
        "blockedReason": None,
        "unblockReason": "Paid in full",
        "unblockedBy": "user-1",
    }
    assert (await create_order(api, shop))["status"] == "REQUESTED"
    assert await outbox_types(engine, api.tenant, customer) == [
        "CustomerCreated",
        "CustomerBlocked",
    ]
    [published] = (await records_of(services, api.tenant, {BLOCKED_TOPIC: 1}))[BLOCKED_TOPIC]
    assert (published["eventType"], published["aggregateId"]) == ("CustomerBlockedEvent", customer)
    assert {k: v for k, v in published["payload"].items() if k != "blockedAt"} == {
        "customerId": customer,
        "reason": "Cheque bounced",
    }


async def test_a_blocked_customer_cannot_approve_an_estimate(api: Api) -> None:
    await estimate_shop.open_shop(api)
    pending = await estimate_shop.submitted(api)
    await api.data(BLOCK, {"c": "CUST-001", "reason": "Disputed invoices"})
    approve = {"input": {"estimateId": pending["estimateId"], "version": pending["version"]}}
    assert await blocked_reason(api, estimate_shop.APPROVE, approve) == (
        "CUSTOMER_BLOCKED",
        "Disputed invoices",
    )
    await api.data(UNBLOCK, {"c": "CUST-001"})
    approved = await api.data(estimate_shop.APPROVE, approve)
    assert approved["approveEstimate"]["status"] == "APPROVED"


async def test_a_blocked_customer_cannot_place_a_sales_order(api: Api) -> None:
    await open_sales(api)
    await api.data(BLOCK, {"c": "CUST-1", "reason": "Credit limit exceeded"})
    [error] = (await process(api, "1"))["errors"]
    assert error["extensions"]["code"] == "CUSTOMER_BLOCKED"
    reserved = await api.data('{ stockLevels(sku: "OIL-1", locationId: "LOC-A") { reserved } }')
    assert reserved["stockLevels"][0]["reserved"] in ("0", "0.0000", 0)
    await api.data(UNBLOCK, {"c": "CUST-1"})
    assert (await process(api, "1"))["data"]["processOrder"]["status"] == "SUCCESS"


async def test_a_limit_below_what_the_customer_owes_blocks_them_and_credit_impact_says_so(
    api: Api, engine: AsyncEngine
) -> None:
    shop = await open_shop(api)
    customer = shop["customer"]
    invoice = await draft(api, shop, PADS)
    await api.data(POST, {"id": invoice["invoiceId"], "version": 1})  # 179.98 + 14.40 tax
    free = (await api.data(IMPACT, {"c": customer, "amount": "1000.00"}))["creditImpact"]
    assert free == {
        "customerId": customer,
        "sku": None,
        "totalValue": "1000.00",
        "creditLimit": None,
        "currentCreditUsed": "194.38",
        "availableCredit": None,
        "creditImpact": "1000.00",
        "blockedReason": None,
        "canProcessOrder": True,
    }
    raised = await api.data(LIMIT, {"c": customer, "limit": "500.00", "v": 1})
    assert raised["setCreditLimit"]["blocked"] is False
    fits = (await api.data(IMPACT, {"c": customer, "amount": "305.62"}))["creditImpact"]
    over = (await api.data(IMPACT, {"c": customer, "amount": "305.63"}))["creditImpact"]
    assert (fits["availableCredit"], fits["canProcessOrder"]) == ("305.62", True)
    assert over["canProcessOrder"] is False
    version = raised["setCreditLimit"]["version"]
    lowered = await api.data(LIMIT, {"c": customer, "limit": "100.00", "v": version})
    assert lowered["setCreditLimit"] == {
        "creditLimit": "100.00",
        "blocked": True,
        "blockedReason": "Credit limit exceeded",
        "version": version + 1,
    }
    small = (await api.data(IMPACT, {"c": customer, "amount": "1.00"}))["creditImpact"]
    assert (small["blockedReason"], small["canProcessOrder"]) == ("Credit limit exceeded", False)
    assert await api.error_codes(LIMIT, {"c": customer, "limit": "-1", "v": version + 1}) == [
        "BAD_USER_INPUT"
    ]
    assert await api.error_codes(IMPACT, {"c": "CUST-404", "amount": "1"}) == ["CUSTOMER_NOT_FOUND"]
    assert await outbox_types(engine, api.tenant, customer) == [
        "CustomerCreated",
        "CustomerUpdated",
        "CustomerUpdated",
        "CustomerBlocked",
    ]
    await assert_the_ledger_holds(api, engine)
    assert Decimal(small["currentCreditUsed"]) == Decimal("194.38")
