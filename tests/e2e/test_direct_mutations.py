"""A mutation executed past Strawberry's operation (schema/direct_mutations.py) answers as
Strawberry does: every mutation below is sent to the session's gateway and to a second
gateway on the same database with `PLANNED_READS=false` (which takes Strawberry's way
for every request), and the two answers must be equal: status, media type, body (errors
with their codes included). Only mutations whose answer does not depend on which gateway
runs first are compared: refusals, domain errors and failed fields. What a successful
mutation answers is what the other e2e tests hold, all of which run through the direct
path; here it is counted and timed once, and Strawberry's operation is not run for it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import strawberry

from domain.identity import Permission
from resolvers.inventory import reservations
from tests.conftest import Api, RunningGateway, Services, settings_for, token
from tests.e2e.test_metrics import scrape, value
from tests.e2e.test_stock_ledger import RECEIVE, open_shop
from tests.e2e.test_stock_reservations import RELEASE, RESERVE, later

GRAPHQL_RESPONSE = "application/graphql-response+json"
TWO_RELEASES = """mutation Twice($a: ID!, $b: ID!) {
  first: releaseReservation(reservationId: $a) { reservation { status } }
  second: releaseReservation(reservationId: $b) { reservation { status } }
}"""


@pytest.fixture(scope="module")
async def strawberrys(services: Services, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with (
        RunningGateway(settings_for(services, planned_reads=False)) as running,
        httpx.AsyncClient(base_url=running.url, timeout=30) as client,
    ):
        yield client


async def _both(
    api: Api,
    strawberrys: httpx.AsyncClient,
    body: dict[str, Any],
    permissions: list[str] | None = None,
    accept: str | None = None,
) -> httpx.Response:
    headers = {"authorization": f"Bearer {token(api.tenant, permissions)}"}
    if accept is not None:
        headers["accept"] = accept
    direct = await api.http.post("/graphql", json=body, headers=headers)
    ordinary = await strawberrys.post("/graphql", json=body, headers=headers)
    assert direct.status_code == ordinary.status_code, body
    assert direct.headers["content-type"] == ordinary.headers["content-type"], body
    assert direct.json() == ordinary.json(), body
    assert direct.headers["x-correlation-id"]
    return direct


def _reserve(quantity: Any, **until: float) -> dict[str, Any]:
    variables = {"q": quantity, "until": later(**(until or {"days": 1})), "ref": "SO-1"}
    return {"query": RESERVE, "variables": variables}


@pytest.mark.parametrize("accept", [None, GRAPHQL_RESPONSE])
async def test_refused_and_failed_mutations_answer_as_strawberry_does(
    api: Api, strawberrys: httpx.AsyncClient, accept: str | None
) -> None:
    await open_shop(api)
    await api.data(RECEIVE, {"q": "5"})
    cases: list[tuple[dict[str, Any], list[str] | None]] = [
        (_reserve("1"), [Permission.INVENTORY_READ]),  # FORBIDDEN, a field error
        (_reserve("9"), None),  # more than is available
        (_reserve("1", days=91), None),  # a domain rule: BAD_USER_INPUT with its field
        ({"query": RELEASE, "variables": {"id": "RES-404"}}, None),
        ({"query": TWO_RELEASES, "variables": {"a": "RES-404", "b": "RES-405"}}, None),
        (_reserve("one"), None),  # a variable graphql-core refuses: a request error
        ({"query": RESERVE, "variables": {"q": "1"}}, None),  # variables missing
        ({"query": "mutation { reserveStock { nothing } }"}, None),  # invalid
        ({"query": "mutation { reserveStock("}, None),  # does not parse
        ({"query": RELEASE, "variables": {"id": "\u0000"}}, None),  # text no field takes
        ({"query": TWO_RELEASES, "operationName": "Other", "variables": {}}, None),
    ]
    for body, permissions in cases:
        await _both(api, strawberrys, body, permissions, accept)


async def test_an_unexpected_failure_is_masked_as_strawberry_masks_it(
    api: Api, strawberrys: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a detail no client may see")

    monkeypatch.setattr(reservations, "reserve_stock", broken)
    headers = {"authorization": f"Bearer {token(api.tenant)}"}
    direct = await api.http.post("/graphql", json=_reserve("1"), headers=headers)
    ordinary = await strawberrys.post("/graphql", json=_reserve("1"), headers=headers)
    assert direct.status_code == ordinary.status_code == 200
    bodies = [direct.json(), ordinary.json()]
    for body in bodies:
        [error] = body["errors"]
        assert error["extensions"].pop("traceId")
        assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert bodies[0] == bodies[1]


async def test_a_direct_mutation_is_counted_and_timed_once_without_strawberrys_operation(
    api: Api, http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await open_shop(api)
    await api.data(RECEIVE, {"q": "5"})
    operations: list[str | None] = []
    execute = strawberry.Schema.execute

    async def counted(self: Any, query: str | None, *args: Any, **kwargs: Any) -> Any:
        operations.append(query)
        return await execute(self, query, *args, **kwargs)

    monkeypatch.setattr(strawberry.Schema, "execute", counted)
    named = RESERVE.replace("mutation(", "mutation DirectProbe(", 1)
    before = await scrape(http)
    reserved = await api(named, {"q": "1", "until": later(days=1), "ref": "SO-1"})
    refused = await api(named, {"q": "9", "until": later(days=1), "ref": "SO-1"})
    after = await scrape(http)
    assert reserved["data"]["reserveStock"]["reservation"]["status"] == "ACTIVE"
    assert reserved["extensions"]["cost"]["requested"] > 0
    assert [error["extensions"]["code"] for error in refused["errors"]] == ["INSUFFICIENT_STOCK"]
    assert operations == []
    probe = {"operation_type": "mutation", "operation_name": "DirectProbe"}
    for name, labels in (
        ("graphql_requests_total", {**probe, "outcome": "ok"}),
        ("graphql_requests_total", {**probe, "outcome": "client_error"}),
        ("graphql_request_duration_seconds_count", probe),
    ):
        expected = 2 if name.endswith("_count") else 1
        assert value(after, name, **labels) - value(before, name, **labels) == expected, name
