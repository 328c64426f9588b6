"""The README's GraphiQL walk-throughs, pasted as a newcomer would, against the demo data.

If a field is renamed or a rule changes, this fails before a newcomer finds the README
wrong. Subscriptions are left out (they need a socket; tests/e2e covers them). An
operation the README shows refused says so in a comment (`# answers CUSTOMER_BLOCKED`):
it must answer that code and nothing else.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from persistence.seed_data.demo import load_demo_data
from tests.conftest import Api
from tests.e2e.ledger_checks import assert_the_ledger_holds

README = Path(__file__).resolve().parents[2] / "README.md"
WALKTHROUGHS = (
    "## A first query",
    "## An estimate, start to finish",
    "## From an approved estimate to a billed order",
    "## Stock for a service order",
    "## An order from stock to invoice",
    "## From a billed order to cash",
)
TO_CASH = WALKTHROUGHS[-1]
"""Its ids follow `SO-002`'s invoice, which arrives a moment after the order's walk-through."""
SALES_INVOICE = """{ salesOrder(orderId: "SO-002") { status invoice { status totalAmount
  journal { lines { account debit credit } } } } }"""


def _operations(section_title: str) -> list[str]:
    """The GraphQL operations of a README section's code blocks, in order."""
    text = README.read_text()
    start = text.index(section_title)
    end = text.find("\n## ", start + len(section_title))
    section = text[start : end if end != -1 else None]
    operations: list[str] = []
    for block in re.findall(r"```graphql\n(.*?)```", section, re.DOTALL):
        for line in block.splitlines():
            if re.match(r"(mutation|query|subscription|\{)", line):
                operations.append(line)
            elif operations:
                operations[-1] += "\n" + line
    return [op for op in operations if not op.startswith("subscription")]


async def test_every_readme_walkthrough_runs_on_the_demo_data(
    api: Api, engine: AsyncEngine
) -> None:
    async with engine.begin() as connection:
        await load_demo_data(connection, api.tenant)
    ran, answers = 0, []
    for title in WALKTHROUGHS:
        if title == TO_CASH:
            await _invoiced_sales_order(api)
        for operation in _operations(title):
            body = await api(operation)
            refused = re.search(r"# answers ([A-Z_]+)", operation)
            codes = [e["extensions"]["code"] for e in body.get("errors", [])]
            assert codes == ([refused.group(1)] if refused else []), f"{title}:\n{operation}"
            answers.append(body)
            ran += 1
    assert ran >= 24
    await _paid_in_part_dunned_and_blocked(answers[-9:])
    await assert_the_ledger_holds(api, engine)
    billed = await api.data(
        '{ serviceOrder(id: "SO-001") { invoice { totalAmount } } '
        'estimate(id: "EST-001") { totals { grandTotal } } }'
    )
    approved = billed["estimate"]["totals"]["grandTotal"]
    assert billed["serviceOrder"]["invoice"]["totalAmount"] == approved == "305.50"
    assert await _invoiced_sales_order(api) == {
        "status": "DELIVERED",
        "invoice": {
            "status": "POSTED",
            "totalAmount": "194.38",
            "journal": [
                {
                    "lines": [
                        {"account": "1200", "debit": "194.38", "credit": "0.00"},
                        {"account": "4000", "debit": "0.00", "credit": "179.98"},
                        {"account": "2100", "debit": "0.00", "credit": "14.40"},
                    ]
                }
            ],
        },
    }


async def _invoiced_sales_order(api: Api) -> dict:
    """The walk-through's sales order once accounts receivable has invoiced it (the
    invoice comes from the fulfilled event, a moment after the mutation)."""
    async with asyncio.timeout(30):
        while True:
            order = (await api.data(SALES_INVOICE))["salesOrder"]
            if order["invoice"] is not None:
                return order
            await asyncio.sleep(0.1)


async def _paid_in_part_dunned_and_blocked(answers: list[dict]) -> None:
    """What "From a billed order to cash" says its operations answer."""
    _, posted, paid, statement, aging, reminded, final, blocked, unblocked = answers
    assert posted["data"]["postInvoice"]["dueDate"] == "2026-02-04"
    assert paid["data"]["recordPayment"]["allocations"] == [
        {"amount": "100.00", "invoice": {"status": "PARTIALLY_PAID", "openBalance": "94.38"}}
    ]
    listed = statement["data"]["customerStatement"]
    assert (listed["openingBalance"], listed["closingBalance"]) == ("0.00", "94.38")
    assert [line["balance"] for line in listed["lines"]] == ["194.38", "94.38"]
    assert aging["data"]["arAging"]["customers"] == [
        {
            "customerId": "CUST-001",
            "current": "0.00",
            "days1To30": "0.00",
            "days31To60": "94.38",
            "unapplied": "0.00",
            "total": "94.38",
        }
    ]
    assert aging["data"]["arAging"]["total"] == {"total": "94.38"}
    notice = {"customerId": "CUST-001", "pastDueAmount": "94.38"}
    assert reminded["data"]["runDunning"]["notices"] == [
        {**notice, "dunningLevel": "SECOND_REMINDER"}
    ]
    assert final["data"]["runDunning"]["notices"] == [{**notice, "dunningLevel": "FINAL_NOTICE"}]
    [refusal] = blocked["errors"]
    assert refusal["extensions"]["reason"]
    assert unblocked["data"]["unblockCustomer"]["blocked"] is False
