"""The periodic workers' loop: a failed round is logged and retried after a doubling
pause held at its ceiling, and rounds go on once one succeeds again."""

from __future__ import annotations

import asyncio
import logging

import pytest

from subscriptions.rounds import run_rounds


async def test_failed_rounds_back_off_doubling_to_the_ceiling_and_a_good_round_recovers(
    caplog: pytest.LogCaptureFixture,
) -> None:
    outcomes = iter(["fail", "fail", "fail", "ok", "fail", "ok"])
    rounds = 0

    async def round_() -> float:
        nonlocal rounds
        rounds += 1
        outcome = next(outcomes, "stop")
        if outcome == "fail":
            raise ConnectionError("database unreachable")
        if outcome == "stop":
            raise asyncio.CancelledError
        return 0.01

    log = logging.getLogger("test.rounds")
    with (
        caplog.at_level(logging.WARNING, logger="test.rounds"),
        pytest.raises(asyncio.CancelledError),
    ):
        await run_rounds(round_, what="test sweep", log=log, max_backoff_seconds=0.3)

    assert rounds == 7
    # Only this logger's: a client an earlier test left running may log meanwhile.
    assert [r.getMessage() for r in caplog.records if r.name == log.name] == [
        f"test sweep failed (database unreachable); retrying in {pause}s"
        for pause in ("0.2", "0.3", "0.3", "0.2")
    ]
