"""The loop of the gateway's periodic workers (the SLA monitor, the reservation and
acknowledgement sweepers): rounds until cancelled, and a round that fails is retried
after a pause that doubles up to a ceiling, so a database or broker outage neither stops
the worker nor has it spin."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import NoReturn

FIRST_BACKOFF_SECONDS = 0.2


async def run_rounds(
    round_: Callable[[], Awaitable[float]],
    *,
    what: str,
    log: logging.Logger,
    max_backoff_seconds: float,
) -> NoReturn:
    """Run `round_` until cancelled; each round answers how long to pause before the next.

    A failed round is logged (`what` names the worker) and retried after the backoff.
    """
    backoff = FIRST_BACKOFF_SECONDS
    while True:
        try:
            pause = await round_()
            backoff = FIRST_BACKOFF_SECONDS
        except asyncio.CancelledError:
            raise
        except Exception as error:
            log.warning("%s failed (%s); retrying in %.1fs", what, error, backoff)
            pause = backoff
            backoff = min(backoff * 2, max_backoff_seconds)
        await asyncio.sleep(pause)
