"""Over HTTP: a user over their budget gets 429 RATE_LIMITED with Retry-After; other users
and tenants go on."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from gateway.app import create_app
from tests.conftest import Api, Served, Services, settings_for, token

BURST = 6


@pytest.fixture(scope="module")
async def limited(services: Services, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = settings_for(services, inbound_enabled=False, rate_limit_user_per_minute=BURST * 10)
    async with (
        Served(create_app(settings)) as served,
        httpx.AsyncClient(base_url=served.url) as http,
    ):
        yield http


async def test_a_user_over_the_budget_is_told_when_to_come_back(
    limited: httpx.AsyncClient, tenant: str
) -> None:
    ann = Api(limited, tenant)
    for _ in range(BURST):
        assert await ann.data("{ __typename }") == {"__typename": "Query"}
    refused = await limited.post(
        "/graphql",
        json={"query": "{ __typename }"},
        headers={"authorization": f"Bearer {token(tenant)}"},
    )
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "1"
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert await Api(limited, f"{tenant}-other").data("{ __typename }") == {"__typename": "Query"}
