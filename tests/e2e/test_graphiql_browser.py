"""GraphiQL in a real headless Chromium that can reach nothing but the gateway.

Every request the page makes to another host is refused and recorded, so a page that
still named a CDN would stay at "Loading..." and fail here; the browser also reports any
file whose bytes miss its SRI hash and anything the page's Content-Security-Policy
refused (GraphiQL's dialogs add a style element the policy admits by its hash, so the
test opens one). Debian's chromium is installed with apt on first need; the `playwright`
package that drives it comes with the `dev` extra.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, ConsoleMessage, Route, async_playwright, expect

from tests.conftest import Api, RunningGateway, token

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOOPBACK = {"127.0.0.1", "localhost"}


def chromium() -> str:
    """Debian's Chromium, installed with apt the first time it is needed, so that the
    README's one test command runs this test on a machine that has only Python and apt."""
    if not Path(CHROMIUM).exists():
        if shutil.which("apt-get") is None or os.geteuid() != 0:
            pytest.fail(
                f"this test needs Debian's Chromium at {CHROMIUM}: apt-get install chromium"
            )
        quiet = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=quiet)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=quiet)
    return CHROMIUM


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    executable = await asyncio.to_thread(chromium)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


async def test_graphiql_renders_and_runs_a_query_with_no_network_but_the_gateway(
    gateway: RunningGateway, api: Api, browser: Browser
) -> None:
    created = await api.data(
        'mutation { createCustomer(input: {name: "Ada Offline"}) { customerId } }'
    )
    customer_id = created["createCustomer"]["customerId"]
    context = await browser.new_context()
    refused: list[str] = []
    complaints: list[str] = []

    async def only_the_gateway(route: Route) -> None:
        if urlsplit(route.request.url).hostname in LOOPBACK:
            await route.continue_()
        else:
            refused.append(route.request.url)
            await route.abort("internetdisconnected")

    def complain(message: ConsoleMessage) -> None:
        if message.type == "error":
            complaints.append(message.text)

    await context.route("**/*", only_the_gateway)
    page = await context.new_page()
    page.on("console", complain)
    page.on("pageerror", lambda error: complaints.append(str(error)))
    try:
        await page.goto(f"{gateway.url}/graphql")
        query_editor = page.locator(".graphiql-query-editor .CodeMirror")
        await expect(query_editor).to_be_visible(timeout=20_000)

        await page.get_by_role("button", name="Headers", exact=True).click()
        await page.locator(
            ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"
        ).click()
        await page.keyboard.insert_text(f'{{"Authorization": "Bearer {token(api.tenant)}"}}')

        await query_editor.click()
        await page.keyboard.press("Control+A")
        await page.keyboard.insert_text(
            f'{{ customer(id: "{customer_id}") {{ customerId name }} }}'
        )
        await page.get_by_role("button", name="Execute query").click()

        result = page.locator(".result-window")
        await expect(result).to_contain_text('"name": "Ada Offline"', timeout=20_000)
        await expect(result).to_contain_text(f'"customerId": "{customer_id}"')

        await page.get_by_role("button", name="Open settings dialog").click()
        await expect(page.get_by_role("dialog")).to_contain_text("Persist headers")
    finally:
        await context.close()
    assert refused == []
    assert complaints == []
