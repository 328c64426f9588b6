"""A database that stops answering (SIGSTOP) turns requests into SERVICE_UNAVAILABLE
(CATALOG_SERVICE_UNAVAILABLE for the catalog's pickers, seed 001's code) within a few
seconds instead of hanging them, and the gateway recovers by itself when it answers
again (SIGCONT). The database is a PostgreSQL of this test's own."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from gateway.app import create_app
from gateway.embedded.postgres import EmbeddedPostgres
from persistence.migrate import upgrade
from tests.conftest import Api, Served, Services, settings_for, until

CUSTOMERS = "{ searchCustomers(query: null) { totalCount } }"
CREATE = 'mutation { createCustomer(input: {name: "Ann"}) { customerId } }'
PARTS = "{ searchParts(query: null) { totalCount } }"


def cluster_processes(data_dir: Path) -> list[int]:
    """The postmaster and every process it started (one backend per connection)."""
    postmaster = int((data_dir / "postmaster.pid").read_text().split()[0])
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == postmaster:
                children.append(int(entry.name))
    return [postmaster, *children]


@pytest.fixture(scope="module")
async def stalling(
    services: Services, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[EmbeddedPostgres, httpx.AsyncClient]]:
    database = EmbeddedPostgres(tmp_path_factory.mktemp("stall") / "pg", durable=False)
    await asyncio.to_thread(database.start)
    await asyncio.to_thread(upgrade, database.url)
    settings = settings_for(
        services,
        database_url=database.url,
        inbound_enabled=False,
        db_unit_timeout_seconds=2,
        db_connect_timeout_seconds=2,
        db_pool_timeout_seconds=2,
    )
    try:
        async with (
            Served(create_app(settings)) as served,
            httpx.AsyncClient(base_url=served.url, timeout=60) as http,
        ):
            yield database, http
    finally:
        await asyncio.to_thread(database.stop)


async def test_a_stalled_database_is_service_unavailable_within_seconds_then_recovers(
    stalling: tuple[EmbeddedPostgres, httpx.AsyncClient], tenant: str
) -> None:
    database, http = stalling
    api = Api(http, tenant)
    await api.data(CREATE)
    stopped = cluster_processes(database.data_dir)
    for pid in stopped:
        os.kill(pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        async with asyncio.timeout(15):
            *answers, picker = await asyncio.gather(
                *(api(CUSTOMERS) for _ in range(5)), api(CREATE), api(PARTS)
            )
        waited = time.monotonic() - started
    finally:
        for pid in stopped:
            os.kill(pid, signal.SIGCONT)
    codes = {e["extensions"]["code"] for body in answers for e in body.get("errors", [])}
    assert codes == {"SERVICE_UNAVAILABLE"}, answers
    assert [e["extensions"]["code"] for e in picker["errors"]] == ["CATALOG_SERVICE_UNAVAILABLE"]
    assert waited < 6, f"callers waited {waited:.1f} s"

    async def answers_again() -> bool:
        return "errors" not in await api(CUSTOMERS)

    await until(answers_again, timeout=20)
    assert (await api.data(CUSTOMERS))["searchCustomers"]["totalCount"] == 1
