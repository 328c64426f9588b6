"""GraphiQL served entirely by the gateway: the page, its scripts and its styles.

Strawberry's own page loads React and GraphiQL from a public CDN, so offline or behind a
strict network it never gets past "Loading...". Here the same pinned npm builds are
vendored in `gateway/static/graphiql/` (where each came from: its NOTICE.md) and served
under `/graphiql/`. The page names every file with its SRI hash, computed from the bytes
on disk when the app is built, and a Content-Security-Policy that admits nothing but this
origin: no inline script, no other host, and of inline styles only the one GraphiQL's
dialogs add, by its hash.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from html import escape
from pathlib import Path

from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import Scope

ASSETS_PREFIX = "/graphiql"
ASSETS_DIRECTORY = Path(__file__).parent / "static" / "graphiql"

STYLES = (
    "graphiql-3.8.3/graphiql.min.css",
    "graphiql-plugin-explorer-1.0.2/style.css",
    "page.css",
)
SCRIPTS = (
    "react-18.2.0/react.production.min.js",
    "react-dom-18.2.0/react-dom.production.min.js",
    "graphiql-3.8.3/graphiql.min.js",
    "graphiql-plugin-explorer-1.0.2/index.umd.js",
    "start.js",
)
"""In load order: each script uses the globals of those before it; `start.js` renders."""

DIALOG_SCROLL_LOCK_STYLE = "sha256-Y/huXlwoYkVyQlxwSVcCi1RCDGDCSVBzDt0hYP9qlTc="
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        # GraphiQL's dialogs lock the page's scrolling with a <style> element they add;
        # on this page (no margin, never a scrollbar) its text is always the same.
        f"style-src 'self' '{DIALOG_SCROLL_LOCK_STYLE}'",
        # GraphiQL's fonts and icons are data: URLs inside its stylesheet.
        "font-src 'self' data:",
        "img-src 'self' data:",
        # Queries over fetch, subscriptions over a websocket to this same host.
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)
IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class Asset:
    """One vendored file as the page names it: where to fetch it and what it must hash to."""

    path: str
    url: str
    integrity: str


def asset(path: str, directory: Path = ASSETS_DIRECTORY) -> Asset:
    """The file's SRI hash, and a URL that changes with its content, so a year-long cache
    never serves a browser yesterday's file under today's hash."""
    content = (directory / path).read_bytes()
    integrity = "sha384-" + base64.b64encode(hashlib.sha384(content).digest()).decode()
    version = hashlib.sha256(content).hexdigest()[:16]
    return Asset(path, f"{ASSETS_PREFIX}/{path}?v={version}", integrity)


def page_html(styles: list[Asset], scripts: list[Asset]) -> str:
    links = "\n".join(
        f'    <link rel="stylesheet" href="{escape(a.url)}" integrity="{a.integrity}" crossorigin>'
        for a in styles
    )
    tags = "\n".join(
        f'    <script src="{escape(a.url)}" integrity="{a.integrity}" crossorigin></script>'
        for a in scripts
    )
    return f"""<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>GraphiQL · field-service gateway</title>
    <link rel="icon" href="data:,">
{links}
  </head>
  <body>
    <div id="graphiql">Loading...</div>
{tags}
  </body>
</html>
"""


class GraphiQLPage:
    """The page answered on `GET /graphql` to a browser, built once per app."""

    def __init__(self, directory: Path = ASSETS_DIRECTORY):
        self.styles = [asset(path, directory) for path in STYLES]
        self.scripts = [asset(path, directory) for path in SCRIPTS]
        self.html = page_html(self.styles, self.scripts)
        self.directory = directory

    def response(self) -> HTMLResponse:
        return HTMLResponse(
            self.html,
            headers={
                "content-security-policy": CONTENT_SECURITY_POLICY,
                "cache-control": "no-cache",
                "x-content-type-options": "nosniff",
                "referrer-policy": "no-referrer",
            },
        )

    def assets_route(self) -> Mount:
        return Mount(ASSETS_PREFIX, app=_ImmutableFiles(directory=self.directory))


class _ImmutableFiles(StaticFiles):
    """The vendored files, cached by browsers for a year: the page asks for each under a
    URL carrying a digest of its content, so a changed file comes under a new URL."""

    def file_response(
        self,
        full_path: PathLike,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["cache-control"] = IMMUTABLE
        response.headers["x-content-type-options"] = "nosniff"
        return response
