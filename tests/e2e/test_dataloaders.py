"""A page of customers with their vehicles costs the same statements at any page size."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, insert

from persistence.tables import customers, vehicles
from tests.conftest import Api, RunningGateway

PAGE = """query($size: Int) { searchCustomers(pageSize: $size) {
  items { customerId vehicles { vehicleId vin customer { customerId } } } } }"""


class StatementLog:
    """Statements that read customers or vehicles: the request's, and never the background
    tasks' sharing the engine (outbox relay, hub catch-up, SLA monitor), whose timing
    would otherwise decide the count."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.watched: list[Any] = []

    def __call__(self, logged: Any) -> None:
        if "FROM customers" in logged.query or "FROM vehicles" in logged.query:
            self.statements.append(logged.query)

    def watch(self, dbapi_connection: Any, entry: Any, proxy: Any) -> None:
        """Listen on each pooled asyncpg connection as it is taken (statements run there)."""
        driver_connection = dbapi_connection.driver_connection
        driver_connection.add_query_logger(self)
        self.watched.append(driver_connection)


@pytest.fixture
def statements(gateway: RunningGateway) -> Iterator[StatementLog]:
    pool = gateway.app.state.engine.sync_engine.pool
    log = StatementLog()
    event.listen(pool, "checkout", log.watch)
    yield log
    event.remove(pool, "checkout", log.watch)
    for driver_connection in log.watched:
        driver_connection.remove_query_logger(log)


async def _fleet(gateway: RunningGateway, tenant: str, count: int) -> None:
    async with gateway.app.state.engine.begin() as connection:
        await connection.execute(
            insert(customers),
            [
                {"tenant_id": tenant, "id": f"CUST-{i:03d}", "name": f"Customer {i:03d}"}
                for i in range(count)
            ],
        )
        await connection.execute(
            insert(vehicles),
            [
                {
                    "tenant_id": tenant,
                    "id": f"VEH-{i:03d}-{n}",
                    "customer_id": f"CUST-{i:03d}",
                    "vin": f"1HGBH41JXMN{i:03d}{n:03d}",
                }
                for i in range(count)
                for n in range(2)
            ],
        )


async def test_customers_with_their_vehicles_take_two_statements_for_any_page_size(
    api: Api, gateway: RunningGateway, statements: StatementLog
) -> None:
    await _fleet(gateway, api.tenant, 50)
    counts = {}
    for size in (5, 50):
        statements.statements.clear()
        page = (await api.data(PAGE, {"size": size}))["searchCustomers"]["items"]
        assert len(page) == size
        assert all(len(c["vehicles"]) == 2 for c in page)
        assert all(
            v["customer"]["customerId"] == c["customerId"] for c in page for v in c["vehicles"]
        )
        counts[size] = len(statements.statements)
    assert counts == {5: 3, 50: 3}, statements.statements
