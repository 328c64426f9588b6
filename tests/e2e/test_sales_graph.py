"""The sales side of the graph over HTTP: a page of customers with their sales orders costs
the same statements at any page size (Customer.salesOrders through a DataLoader), and the
sales types' references are objects as well as ids."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event

from tests.conftest import Api, RunningGateway
from tests.e2e.test_dataloaders import StatementLog
from tests.e2e.test_sales_orders import PROCESS
from tests.e2e.test_stock_ledger import RECEIVE, open_shop

CUSTOMERS = 6
PAGE = """query($size: Int) { searchCustomers(pageSize: $size) {
  items { customerId salesOrders(pageSize: 2) {
    items { orderId customer { customerId } lines { sku } } totalCount } } } }"""


class SalesStatements(StatementLog):
    """Statements reading sales orders or their lines, the request's only."""

    def __call__(self, logged: Any) -> None:
        if "FROM sales_order" in logged.query:
            self.statements.append(logged.query)


@pytest.fixture
def statements(gateway: RunningGateway) -> Iterator[SalesStatements]:
    pool = gateway.app.state.engine.sync_engine.pool
    log = SalesStatements()
    event.listen(pool, "checkout", log.watch)
    yield log
    event.remove(pool, "checkout", log.watch)
    for driver_connection in log.watched:
        driver_connection.remove_query_logger(log)


async def test_customers_with_their_sales_orders_take_the_same_statements_at_any_page_size(
    api: Api, statements: SalesStatements
) -> None:
    await open_shop(api)
    await api.data(RECEIVE, {"q": "100"})
    for n in range(CUSTOMERS):
        customer = f"CUST-{n}"
        await api.data(
            'mutation($id: ID!) { createCustomer(input: {customerId: $id, name: "Fleet"}) '
            "{ version } }",
            {"id": customer},
        )
        for _ in range(3):
            lines = [{"sku": "OIL-1", "locationId": "LOC-A", "quantity": "1"}]
            await api.data(PROCESS, {"customer": customer, "lines": lines})

    counts = {}
    for size in (2, CUSTOMERS):
        statements.statements.clear()
        page = (await api.data(PAGE, {"size": size}))["searchCustomers"]["items"]
        assert len(page) == size
        assert all(
            c["salesOrders"]["totalCount"] == 3 and len(c["salesOrders"]["items"]) == 2
            for c in page
        )
        counts[size] = len(statements.statements)

    assert counts[2] == counts[CUSTOMERS] == 3  # the pages, their lines, the counts


LINKED = """mutation {
  processOrder(input: {customerId: "CUST-L",
    lines: [{sku: "OIL-1", locationId: "LOC-A", quantity: "5"}],
    shippingAddress: {line1: "1 Main St", city: "Springfield", postalCode: "12345",
                      country: "US"},
    backorderShortfall: {priority: HIGH}}) {
    unavailableItems { part { sku } location { name } }
    order { lines { part { name } location { locationId } reservation { status } }
      backorders { customer { name } order { orderId } part { sku } location { name }
                   reservation { status } } }
  }
}"""
FOLLOWED = """{ backorders { items { backorderId order { orderId } reservation { status } } }
  salesOrder(orderId: "SO-001") { fulfillment { order { orderId } } } }"""


async def test_the_sales_types_lead_to_their_parts_locations_customers_and_orders(
    api: Api,
) -> None:
    await open_shop(api)
    await api.data(RECEIVE, {"q": "3"})
    await api.data(
        'mutation { createCustomer(input: {customerId: "CUST-L", name: "Linked"}) { version } }'
    )

    taken = (await api.data(LINKED))["processOrder"]

    assert taken["unavailableItems"] == [{"part": {"sku": "OIL-1"}, "location": {"name": "Main"}}]
    assert taken["order"] == {
        "lines": [
            {
                "part": {"name": "Oil"},
                "location": {"locationId": "LOC-A"},
                "reservation": {"status": "ACTIVE"},
            }
        ],
        "backorders": [
            {
                "customer": {"name": "Linked"},
                "order": {"orderId": "SO-001"},
                "part": {"sku": "OIL-1"},
                "location": {"name": "Main"},
                "reservation": None,
            }
        ],
    }
    await api.data(RECEIVE, {"q": "2"})
    await api.data('mutation { startOrderFulfillment(orderId: "SO-001", version: 1) { status } }')
    followed = await api.data(FOLLOWED)
    assert followed["backorders"]["items"] == [
        {
            "backorderId": "BO-001",
            "order": {"orderId": "SO-001"},
            "reservation": {"status": "ACTIVE"},
        }
    ]
    assert followed["salesOrder"] == {"fulfillment": {"order": {"orderId": "SO-001"}}}
