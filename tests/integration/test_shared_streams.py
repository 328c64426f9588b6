"""A shared stream's promises: one execution for all members, each member bounded alone."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator
from typing import Any

from strawberry.types.execution import ExecutionResult

from domain.identity import Principal
from gateway.shared_subscriptions import COMPLETED, SharedStreams
from schema.context import RequestContext
from tests.conftest import until

KEY = ("tenant-1", frozenset({"*"}), "subscription { x }", None, "{}")


class Source:
    """A subscription's results, fed by the test; counts how often it was opened."""

    def __init__(self) -> None:
        self.results: asyncio.Queue[int | None] = asyncio.Queue()
        self.opened = 0
        self.closed = 0

    async def open(self, context: RequestContext) -> AsyncGenerator[Any, None]:
        self.opened += 1
        return self._results()

    async def _results(self) -> AsyncGenerator[ExecutionResult, None]:
        try:
            while (n := await self.results.get()) is not None:
                yield ExecutionResult(data={"n": n}, errors=None)
        finally:
            self.closed += 1


def _context() -> RequestContext:
    principal = Principal("user-1", "tenant-1", frozenset({"*"}))
    return RequestContext(principal=principal, units_of_work=None, hub=None)  # type: ignore[arg-type]


def _numbers(frames: list[str]) -> list[int]:
    return [json.loads(frame)["payload"]["data"]["n"] for frame in frames]


async def test_members_share_one_execution_and_the_last_to_leave_closes_it() -> None:
    source, streams = Source(), SharedStreams(json.dumps, capacity=10)
    frames: dict[str, list[str]] = {"a": [], "b": []}

    def follow(name: str) -> asyncio.Task[Any]:
        async def send(text: str) -> None:
            frames[name].append(text)

        prefix = '{"id":"' + name + '","type":"next","payload":'
        return asyncio.create_task(streams.follow(KEY, _context(), source.open, prefix, send))

    first, second = follow("a"), follow("b")
    await until(lambda: source.opened)
    for n in range(3):
        source.results.put_nowait(n)
    await until(lambda: len(frames["a"]) == len(frames["b"]) == 3)
    assert source.opened == 1
    assert _numbers(frames["a"]) == _numbers(frames["b"]) == [0, 1, 2]
    assert {json.loads(frame)["id"] for frame in frames["b"]} == {"b"}
    first.cancel()
    source.results.put_nowait(3)
    await until(lambda: len(frames["b"]) == 4)
    assert len(frames["a"]) == 3
    second.cancel()
    await until(lambda: source.closed)
    assert streams.count == 0


async def test_a_member_that_falls_behind_is_dropped_and_the_others_get_everything() -> None:
    source, streams = Source(), SharedStreams(json.dumps, capacity=2)
    unblocked = asyncio.Event()
    slow_frames: list[str] = []
    fast_frames: list[str] = []

    async def slow_send(text: str) -> None:
        slow_frames.append(text)
        await unblocked.wait()

    async def fast_send(text: str) -> None:
        fast_frames.append(text)

    slow = asyncio.create_task(streams.follow(KEY, _context(), source.open, '{"p":', slow_send))
    fast = asyncio.create_task(streams.follow(KEY, _context(), source.open, '{"p":', fast_send))
    await until(lambda: source.opened)
    for n in range(6):
        source.results.put_nowait(n)
        await until(lambda count=n + 1: len(fast_frames) == count)
    unblocked.set()
    assert await asyncio.wait_for(slow, 5) == COMPLETED
    last = json.loads(slow_frames[-1])["p"]
    assert last["errors"][0]["extensions"]["code"] == "SUBSCRIBER_TOO_SLOW"
    assert [n for n in range(6) if json.dumps({"data": {"n": n}}) in str(slow_frames)] == [0]
    assert [json.loads(frame)["p"]["data"]["n"] for frame in fast_frames] == list(range(6))
    source.results.put_nowait(None)
    assert await asyncio.wait_for(fast, 5) == COMPLETED
    assert streams.count == 0
