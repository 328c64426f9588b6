"""The README's way to try a closed period: its snippet, run as printed, against the
running gateway's broker.

A fresh database has no closed period, so the README shows the event Period Close sends
and a script that sends it; if the contract or the topic changes, this fails before a
newcomer finds the snippet wrong. Only the broker's address and the tenant are swapped in
(the README's are `gateway dev`'s and the demo tenant).
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from tests.conftest import Api, Services

README = Path(__file__).resolve().parents[2] / "README.md"
CLOSED = "{ closedFinancialPeriods { periodId periodStart periodEnd closedBy } }"


def _snippet() -> str:
    """The Python the README pipes to `.venv/bin/python` to close the current month."""
    found = re.search(r"```sh\nBROKER=\S+ \S+ - <<'PY'\n(.*?)\nPY\n```", README.read_text(), re.S)
    assert found, "the README shows no period-close snippet"
    return found[1]


async def test_the_readme_snippet_closes_the_current_month(api: Api, services: Services) -> None:
    script = _snippet().replace('"tenant-001"', f'"{api.tenant}"')
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        script,
        env={**os.environ, "BROKER": services.bootstrap_servers},
    )
    assert await asyncio.wait_for(process.wait(), 60) == 0
    month = f"{datetime.now(UTC):%Y-%m}"
    async with asyncio.timeout(30):
        while not (periods := (await api.data(CLOSED))["closedFinancialPeriods"]):
            await asyncio.sleep(0.1)
    assert periods[0]["periodId"] == month
    assert periods[0]["periodStart"] == f"{month}-01"
    assert periods[0]["closedBy"] == "controller@example.com"
