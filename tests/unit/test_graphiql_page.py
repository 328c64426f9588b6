"""The GraphiQL page names only the gateway's own files, each under the hash of its bytes.

Asked in-process, no server: a browser refuses a file whose bytes miss its `integrity`,
and offline it cannot fetch anything from another host.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import AsyncIterator
from html.parser import HTMLParser

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.graphiql import GraphiQLPage


class _References(HTMLParser):
    """Every URL the page points a browser at, with the integrity it demands."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        url = named.get("src") or named.get("href")
        if url is not None:
            self.found.append((tag, url, named.get("integrity")))


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    """The page and its files as the gateway routes them (the browser test in
    tests/e2e/test_graphiql_browser.py goes through the whole app)."""
    page = GraphiQLPage()

    async def graphiql(request: Request) -> Response:
        return page.response()

    app = Starlette(routes=[Route("/graphql", graphiql), page.assets_route()])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
        yield client


async def _page(
    http: httpx.AsyncClient,
) -> tuple[httpx.Response, list[tuple[str, str, str | None]]]:
    page = await http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    references = _References()
    references.feed(page.text)
    return page, references.found


async def test_the_page_names_no_other_host(http: httpx.AsyncClient) -> None:
    page, found = await _page(http)
    assert re.findall(r"(?:https?:)?//[\w.-]+", page.text) == []
    assert {url.split("?")[0] for tag, url, _ in found if tag == "script"} == {
        "/graphiql/react-18.2.0/react.production.min.js",
        "/graphiql/react-dom-18.2.0/react-dom.production.min.js",
        "/graphiql/graphiql-3.8.3/graphiql.min.js",
        "/graphiql/graphiql-plugin-explorer-1.0.2/index.umd.js",
        "/graphiql/start.js",
    }
    assert all(url.startswith("/graphiql/") or url == "data:," for _, url, _ in found)
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self';" in policy
    assert "unsafe" not in policy


async def test_every_file_the_page_names_is_served_with_the_hash_the_page_demands(
    http: httpx.AsyncClient,
) -> None:
    _, found = await _page(http)
    demanded = [(url, integrity) for _, url, integrity in found if url.startswith("/graphiql/")]
    assert len(demanded) == 8
    for url, integrity in demanded:
        served = await http.get(url)
        assert served.status_code == 200, url
        digest = base64.b64encode(hashlib.sha384(served.content).digest()).decode()
        assert integrity == f"sha384-{digest}", url
        assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
        if url.split("?")[0].endswith(".css"):
            assert "@import" not in served.text, url
            linked = re.findall(r"url\(\s*['\"]?([^'\")]*)", served.text)
            assert [u for u in linked if not u.startswith("data:")] == [], url
