"""A planned query answered on its own way past Strawberry (schema/planned_operations.py)
keeps what a client and an operator see of every request: the metrics, GraphQL over
HTTP's media type, GET as POST, the rate budget charged once, and the ordinary answer
when the planner hands a request back. (That its bodies equal Strawberry's, errors
included, is tests/e2e/test_planned_reads.py.)"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from gateway.app import create_app
from tests.conftest import Api, Served, Services, settings_for, token
from tests.e2e import estimate_shop
from tests.e2e.test_metrics import scrape, value

READ = """query PlannedProbe($id: ID!) { estimate(id: $id) { estimateId status
  items { description quantity } customer { name } } }"""
BURST = 3


@pytest.fixture(scope="module")
async def limited(services: Services, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A gateway whose users may send BURST requests at once (a budget of ten times that
    a minute)."""
    settings = settings_for(services, inbound_enabled=False, rate_limit_user_per_minute=BURST * 10)
    async with (
        Served(create_app(settings)) as served,
        httpx.AsyncClient(base_url=served.url) as http,
    ):
        yield http


async def test_a_planned_query_is_counted_and_timed_once(api: Api, http: httpx.AsyncClient) -> None:
    await estimate_shop.open_shop(api)
    estimate = await estimate_shop.seed_estimate(api)
    before = await scrape(http)
    data = await api.data(READ, {"id": estimate["estimateId"]})
    after = await scrape(http)
    assert data["estimate"]["estimateId"] == estimate["estimateId"]
    probe = {"operation_type": "query", "operation_name": "PlannedProbe"}
    for name, labels in (
        ("graphql_requests_total", {**probe, "outcome": "ok"}),
        ("graphql_request_duration_seconds_count", probe),
        ("graphql_request_duration_seconds_bucket", {**probe, "le": "5.0"}),
    ):
        assert value(after, name, **labels) - value(before, name, **labels) == 1, name


async def test_a_planned_query_answers_in_the_media_type_asked_for(
    api: Api, http: httpx.AsyncClient
) -> None:
    await estimate_shop.open_shop(api)
    estimate = await estimate_shop.seed_estimate(api)
    body = {"query": READ, "variables": {"id": estimate["estimateId"]}}
    bearer = {"authorization": f"Bearer {token(api.tenant)}"}
    plain = await http.post("/graphql", json=body, headers=bearer)
    asked = await http.post(
        "/graphql",
        json=body,
        headers={**bearer, "accept": "application/graphql-response+json"},
    )
    assert plain.status_code == asked.status_code == 200
    assert plain.headers["content-type"] == "application/json"
    assert asked.headers["content-type"] == "application/graphql-response+json; charset=utf-8"
    assert plain.json() == asked.json()
    assert plain.json()["extensions"]["cost"]["requested"] > 0
    assert plain.headers["x-correlation-id"].startswith("corr-")


async def test_a_planned_query_sent_by_get_answers_as_by_post(
    api: Api, http: httpx.AsyncClient
) -> None:
    await estimate_shop.open_shop(api)
    estimate = await estimate_shop.seed_estimate(api)
    variables = {"id": estimate["estimateId"]}
    bearer = {"authorization": f"Bearer {token(api.tenant)}"}
    posted = await http.post(
        "/graphql", json={"query": READ, "variables": variables}, headers=bearer
    )
    asked = await http.get(
        "/graphql", params={"query": READ, "variables": json.dumps(variables)}, headers=bearer
    )
    missing = await http.get(
        "/graphql",
        params={"query": READ, "variables": json.dumps({"id": "EST-404"})},
        headers=bearer,
    )
    assert asked.status_code == posted.status_code == 200
    assert asked.json() == posted.json()
    assert asked.json()["data"]["estimate"]["estimateId"] == estimate["estimateId"]
    assert missing.json()["errors"][0]["extensions"]["code"] == "ESTIMATE_NOT_FOUND"


async def test_a_request_handed_back_is_charged_to_the_budget_once(
    limited: httpx.AsyncClient, tenant: str
) -> None:
    """An id the tenant does not have is read on the planned way, found missing, and
    answered by Strawberry's: one request, one token of the budget."""
    headers = {"authorization": f"Bearer {token(tenant)}"}
    body = {"query": READ, "variables": {"id": "EST-404"}}
    for _ in range(BURST):
        answered = await limited.post("/graphql", json=body, headers=headers)
        assert answered.status_code == 200
        assert answered.json()["errors"][0]["extensions"]["code"] == "ESTIMATE_NOT_FOUND"
    refused = await limited.post("/graphql", json=body, headers=headers)
    assert refused.status_code == 429
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
