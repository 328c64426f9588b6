"""A few GraphQL requests over HTTP run at once in a replica; the others wait their turn.

A replica's requests share one event loop, and on a small machine the cores PostgreSQL
runs on too. Let in all at once, they interleave: each takes a step whenever the loop
comes back to it, so an unlucky one waits behind every other at each of its steps. With
ten clients sending orders without pause, the slowest in a hundred took about three
times as long as the median. Let in a few at a time, in arrival order, each runs among
few others while the rest queue at the door, first come first served. The machine does
the same work, so the median moves a little (an order's by up to a sixth, up), and the
slowest order in a hundred took up to a third less time (bench/README.md, "Admission";
docs/decisions.md).

Nothing is refused here (rate limits do that, gateway/rate_limits.py). A request that
has waited `most_wait_seconds` for its turn runs anyway, over the limit: a few slow
requests, large reports say, hold the others up that long at most, and an overload ends
up letting everything in, as if there were no limit. A request that finds a free slot
waits for nothing and costs no timer. Subscriptions run over websockets only (the app
offers no HTTP stream transport), which are not limited here: a subscription lives for
hours, and a socket's operations are bounded by WS_MAX_OPERATIONS.
"""

from __future__ import annotations

import asyncio

from prometheus_client import Counter, Gauge
from starlette.types import ASGIApp, Receive, Scope, Send


class AdmittedRequests:
    """`app`, running at most `limit` requests at once; the others wait in arrival order
    for up to `most_wait_seconds`, then run anyway. `waiting` counts those waiting now,
    `over_limit` those that ran without their turn."""

    def __init__(
        self,
        app: ASGIApp,
        limit: int,
        most_wait_seconds: float,
        waiting: Gauge,
        over_limit: Counter,
    ):
        self._app = app
        self._slots = asyncio.Semaphore(limit)
        self._most_wait = most_wait_seconds
        self._waiting = waiting
        self._over_limit = over_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        admitted = await self._turn()
        try:
            await self._app(scope, receive, send)
        finally:
            if admitted:
                self._slots.release()

    async def _turn(self) -> bool:
        """Take a slot: a free one at once, else wait for one in arrival order (asyncio's
        semaphore wakes its waiters first come first served); False if none came within
        the longest wait."""
        if not self._slots.locked():
            return await self._slots.acquire()
        self._waiting.inc()
        try:
            async with asyncio.timeout(self._most_wait):
                await self._slots.acquire()
            return True
        except TimeoutError:
            self._over_limit.inc()
            return False
        finally:
            self._waiting.dec()
