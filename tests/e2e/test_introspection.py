"""The schema is read only by callers allowed to: `INTROSPECTION` on, permission or off.

The shared test gateway runs `gateway serve`'s default, `permission`."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from domain.identity import Permission
from gateway.app import create_app
from tests.conftest import ALL_PERMISSIONS, Api, Served, Services, settings_for

SCHEMA = "{ __schema { queryType { name } } }"
TYPE = '{ __type(name: "Customer") { name } }'
WITHOUT = [p for p in ALL_PERMISSIONS if p != Permission.SCHEMA_INTROSPECT]


async def test_introspection_needs_its_permission(api: Api) -> None:
    clerk = Api(api.http, api.tenant, WITHOUT)
    for document in (SCHEMA, TYPE):
        assert await clerk.error_codes(document) == ["FORBIDDEN"]
    assert (await api.data(SCHEMA))["__schema"] == {"queryType": {"name": "Query"}}
    assert (await api.data(TYPE))["__type"] == {"name": "Customer"}
    assert (await clerk.data("{ __typename }")) == {"__typename": "Query"}


async def test_suggestions_are_for_those_who_may_read_the_schema(api: Api) -> None:
    clerk = Api(api.http, api.tenant, WITHOUT)
    typo = '{ customr(id: "x") { customerId } }'
    hinted = (await api(typo))["errors"][0]["message"]
    plain = (await clerk(typo))["errors"][0]["message"]
    assert "Did you mean 'customer'" in hinted
    assert plain == "Cannot query field 'customr' on type 'Query'."


@pytest.fixture(scope="module")
async def closed(services: Services, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A gateway with `gateway serve`'s defaults for GraphiQL and introspection off."""
    app = create_app(
        settings_for(services, inbound_enabled=False, graphiql=None, introspection="off")
    )
    async with Served(app) as served, httpx.AsyncClient(base_url=served.url) as http:
        yield http


async def test_with_introspection_off_no_one_reads_the_schema_and_graphiql_is_not_served(
    closed: httpx.AsyncClient, tenant: str
) -> None:
    assert await Api(closed, tenant).error_codes(SCHEMA) == ["FORBIDDEN"]
    page = await closed.get("/graphql", headers={"Accept": "text/html"})
    assert "graphiql" not in page.text.lower()
    assert (await closed.get("/graphiql/start.js")).status_code == 404
