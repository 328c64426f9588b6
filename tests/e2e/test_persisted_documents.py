"""Apollo's automatic persisted queries, and a gateway that runs only trusted documents."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from schema.persisted_documents import sha256_of
from tests.conftest import Api, Served, Services, settings_for, token

DOCUMENT = "{ __typename }"
OTHER = "query Other { __typename }"


async def send(http: httpx.AsyncClient, tenant: str, **body: Any) -> dict[str, Any]:
    response = await http.post(
        "/graphql", json=body, headers={"authorization": f"Bearer {token(tenant)}"}
    )
    return response.json()


def persisted(document: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256_of(document)}}


def codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


async def test_a_hash_runs_once_the_document_was_sent_with_it(api: Api) -> None:
    document = "query Apq { __typename }  # " + api.tenant
    unknown = await send(api.http, api.tenant, extensions=persisted(document))
    assert codes(unknown) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert unknown["errors"][0]["message"] == "PersistedQueryNotFound"
    registered = await send(api.http, api.tenant, query=document, extensions=persisted(document))
    assert registered["data"] == {"__typename": "Query"}
    by_hash = await send(api.http, api.tenant, extensions=persisted(document))
    assert by_hash["data"] == {"__typename": "Query"}
    wrong = await send(api.http, api.tenant, query=OTHER, extensions=persisted(document))
    assert codes(wrong) == ["BAD_REQUEST"]


@pytest.fixture(scope="module")
async def trusted(
    services: Services, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[httpx.AsyncClient]:
    manifest = tmp_path_factory.mktemp("trusted") / "documents.json"
    manifest.write_text(json.dumps({sha256_of(DOCUMENT): DOCUMENT}))
    settings = settings_for(services, inbound_enabled=False, trusted_documents=Path(manifest))
    async with (
        Served(create_app(settings)) as served,
        httpx.AsyncClient(base_url=served.url) as http,
    ):
        yield http


async def test_a_trusted_documents_gateway_runs_only_its_manifest(
    trusted: httpx.AsyncClient, tenant: str
) -> None:
    by_text = await send(trusted, tenant, query=DOCUMENT)
    by_hash = await send(trusted, tenant, extensions=persisted(DOCUMENT))
    assert by_text["data"] == by_hash["data"] == {"__typename": "Query"}
    for body in (
        await send(trusted, tenant, query=OTHER),
        await send(trusted, tenant, query=OTHER, extensions=persisted(OTHER)),
        await send(trusted, tenant, extensions=persisted(OTHER)),
    ):
        assert codes(body) == ["PERSISTED_QUERY_NOT_TRUSTED"]
