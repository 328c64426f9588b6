"""Over HTTP, with MAX_CONCURRENT_REQUESTS=1: while one request runs, the next ones wait
their turn and run in the order they came; one that waited ADMISSION_WAIT_SECONDS runs
anyway. /metrics, outside the limit, shows the waiting and counts the overrun."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.app import create_app
from tests.conftest import Api, Served, Services, settings_for, until, waiting_on_a_lock
from tests.e2e.test_metrics import scrape, value

CREATE = 'mutation { createCustomer(input: {name: "Held"}) { customerId } }'
RENAME = """mutation($id: ID!) {
  updateCustomer(input: {customerId: $id, version: 1, name: "Renamed"}) { name } }"""
PROBE = "{ __typename }"


@asynccontextmanager
async def gateway_of_one(services: Services, wait: float) -> AsyncIterator[httpx.AsyncClient]:
    settings = settings_for(
        services, inbound_enabled=False, max_concurrent_requests=1, admission_wait_seconds=wait
    )
    async with (
        Served(create_app(settings)) as served,
        httpx.AsyncClient(base_url=served.url, timeout=30) as http,
    ):
        yield http


@asynccontextmanager
async def one_running(api: Api, engine: AsyncEngine) -> AsyncIterator[asyncio.Task[dict[str, Any]]]:
    """A rename that holds the one slot: it waits for its customer's row, which is held
    here until the block ends."""
    customer = (await api.data(CREATE))["createCustomer"]["customerId"]
    async with engine.connect() as holder:
        await holder.execute(
            text("SELECT 1 FROM customers WHERE tenant_id = :tenant AND id = :id FOR UPDATE"),
            {"tenant": api.tenant, "id": customer},
        )
        renaming = asyncio.create_task(api.data(RENAME, {"id": customer}))
        await until(lambda: waiting_on_a_lock(engine, "%customers%"))
        yield renaming
        await holder.rollback()


async def waiting(http: httpx.AsyncClient) -> float:
    return value(await scrape(http), "graphql_requests_waiting")


def waiting_is(http: httpx.AsyncClient, count: int) -> Callable[[], Awaitable[bool]]:
    async def reached() -> bool:
        return await waiting(http) == count

    return reached


async def test_requests_over_the_limit_wait_and_run_in_the_order_they_came(
    services: Services, engine: AsyncEngine, tenant: str
) -> None:
    async with gateway_of_one(services, wait=30) as http:
        api = Api(http, tenant)
        finished: list[int] = []

        async def probe(n: int) -> None:
            await api.data(PROBE)
            finished.append(n)

        async with one_running(api, engine) as renaming:
            probes = []
            for n in range(3):
                probes.append(asyncio.create_task(probe(n)))
                await until(waiting_is(http, n + 1))
            await asyncio.sleep(0.3)
            assert finished == [] and not renaming.done()
        assert (await renaming)["updateCustomer"]["name"] == "Renamed"
        await asyncio.gather(*probes)
        assert finished == [0, 1, 2]
        assert await waiting(http) == 0
        assert value(await scrape(http), "graphql_requests_over_limit_total") == 0


async def test_a_request_that_waited_the_longest_wait_runs_over_the_limit(
    services: Services, engine: AsyncEngine, tenant: str
) -> None:
    async with gateway_of_one(services, wait=0.2) as http:
        api = Api(http, tenant)
        async with one_running(api, engine) as renaming:
            assert await api.data(PROBE) == {"__typename": "Query"}
            assert not renaming.done()
            assert value(await scrape(http), "graphql_requests_over_limit_total") == 1
        assert (await renaming)["updateCustomer"]["name"] == "Renamed"
        assert await waiting(http) == 0
