"""From an approved estimate to a billed order, as README's workflow shows it. Which
estimates may become orders is tested on the use cases: tests/use_cases/test_service_orders.py."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api
from tests.e2e import estimate_shop
from tests.e2e.service_order_steps import (
    ASSIGN,
    BILL,
    COMPLETE,
    END,
    FINALIZE,
    ORDER,
    RECORD_PARTS,
    RECORD_SESSION,
    SCHEDULE,
    START,
    START_WORK,
    read,
    session,
)

FROM_ESTIMATE = f"""mutation($input: CreateServiceOrderFromEstimateInput!) {{
  createServiceOrderFromEstimate(input: $input) {{ {ORDER} }} }}"""
TECHNICIAN = """mutation { savePerson(input: {personId: "TECH-001", name: "Pat",
  roles: ["TECHNICIAN"], locationIds: ["LOC-001"]}) { personId } }"""


async def approved_estimate(api: Api) -> dict[str, Any]:
    await estimate_shop.open_shop(api)
    pending = await estimate_shop.submitted(api)
    return await estimate_shop.run(
        api, estimate_shop.APPROVE, estimateId=pending["estimateId"], version=pending["version"]
    )


async def test_an_approved_estimate_becomes_an_order_that_is_billed(api: Api) -> None:
    estimate = await approved_estimate(api)
    await api.data(TECHNICIAN)

    order = (
        await api.data(
            FROM_ESTIMATE, {"input": {"estimateId": estimate["estimateId"], "priority": "HIGH"}}
        )
    )["createServiceOrderFromEstimate"]
    order_id = order["serviceOrderId"]
    assert (order["status"], order["estimateId"], order["customerId"], order["vehicleId"]) == (
        "REQUESTED",
        estimate["estimateId"],
        "CUST-001",
        "VEH-001",
    )
    assert [(i["itemType"], i["unitPrice"], i["taxCode"]) for i in order["items"]] == [
        ("PART", "89.99", "TAXABLE_GOODS"),
        ("LABOR", "120.00", "LABOR_TAXABLE"),
    ]
    again = await api(
        FROM_ESTIMATE, {"input": {"estimateId": estimate["estimateId"], "priority": "LOW"}}
    )
    assert again["errors"][0]["extensions"]["code"] == "ESTIMATE_ALREADY_ORDERED"
    assert order_id in again["errors"][0]["message"], "found by the stored orders' estimate id"

    await api.data(SCHEDULE, await read(api, {"id": order_id, "start": START, "end": END}))
    await api.data(ASSIGN, await read(api, {"id": order_id, "tech": "TECH-001"}))
    await api.data(START_WORK, await read(api, {"id": order_id}))
    await api.data(RECORD_SESSION, await read(api, {"input": session(order_id)}))
    pads = {"productId": "PART-001", "sku": "BRK-PAD-F", "quantity": "2", "unitPrice": "89.99"}
    await api.data(
        RECORD_PARTS,
        await read(
            api, await read(api, {"id": order_id, "parts": [{**pads, "taxCode": "TAXABLE_GOODS"}]})
        ),
    )
    await api.data(COMPLETE, await read(api, {"id": order_id, "code": "RESOLVED"}))
    finalized = (
        await api.data(
            FINALIZE, await read(api, {"id": order_id, "rate": "60.00", "code": "LABOR_TAXABLE"})
        )
    )["finalizeServiceOrder"]
    billed = (await api.data(BILL, await read(api, {"id": order_id})))["billServiceOrder"]

    snapshot = finalized["billableSnapshot"]
    # parts 2 x 89.99 taxed 8% (14.40), labor 240 min at 60.00 taxed 6% (14.40)
    assert (snapshot["partsTotal"], snapshot["laborTotal"], snapshot["taxTotal"]) == (
        "179.98",
        "240.00",
        "28.80",
    )
    assert snapshot["grandTotal"] == "448.78"
    assert billed["status"] == "BILLED"
    # What the customer approved is billed: the estimate's 89.99 part and 60.00 labor
    # (149.99 net, 10.80 tax), not the 448.78 the work recorded; tax to 2100.
    assert [(e["account"], e["side"], e["amount"]) for e in billed["glEntries"]] == [
        ("1200", "DEBIT", "160.79"),
        ("2100", "CREDIT", "10.80"),
        ("4100", "CREDIT", "149.99"),
    ]
