"""Subscriptions that many sockets share: executed once per event, sent to every socket.

A wall of dashboards watching the same board sends the same subscription document with
the same variables, under the same tenant and permissions. Executing it once per socket
costs the same work a thousand times over for every event: the resolver chain, the
selection set, the JSON encoding. Instead, the first such operation starts a *shared
stream*; later identical ones join it, and each result is encoded once and written to
every member's socket as it is.

Two operations share a stream only when nothing in their answer can differ:
- the same document, operation name and variables;
- the same tenant and the same permissions (a token's expiry is left out: every
  socket is closed at its own token's expiry by `gateway.websocket_auth`);
- no replay: an operation that passes `since` first receives the events it missed,
  which depends on when it starts, so it always runs alone.

Each member has a bounded queue of its own: a socket that cannot keep up is dropped with
`SUBSCRIBER_TOO_SLOW`, as a lone subscription would be, and never slows the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    ArgumentNode,
    NullValueNode,
    OperationType,
    Visitor,
    visit,
)
from strawberry.types.execution import ExecutionResult, PreExecutionError

from gateway.operations import operation_of
from schema.context import RequestContext
from subscriptions.hub import SubscriberTooSlow

log = logging.getLogger("gateway.subscriptions")

REPLAY_ARGUMENTS = frozenset({"since"})
_too_slow = SubscriberTooSlow()
TOO_SLOW = {"message": _too_slow.message, "extensions": {"code": _too_slow.code}}
"""What a lone subscription that falls behind gets (the hub's error), as a shared one's."""

Encode = Callable[[object], str]
SendText = Callable[[str], Awaitable[None]]
OpenSource = Callable[[RequestContext], Awaitable[AsyncGenerator[Any, None]]]


@dataclass(frozen=True)
class Ending:
    """How a shared stream ended for a member: completed, or refused before it began."""

    errors: tuple[Mapping[str, Any], ...] = ()


COMPLETED = Ending()


@dataclass(frozen=True)
class _Shape:
    """What sharing needs to know of a subscription document, parsed once per text."""

    always_replays: bool
    replay_variables: Mapping[str, bool]


class _ReplayArguments(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.literal = False
        self.variables: set[str] = set()

    def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
        if node.name.value not in REPLAY_ARGUMENTS:
            return
        if node.value.kind == "variable":
            self.variables.add(node.value.name.value)  # type: ignore[attr-defined]
        elif not isinstance(node.value, NullValueNode):
            self.literal = True


@lru_cache(maxsize=256)
def _shape(query: str, operation_name: str | None) -> _Shape | None:
    """The document's replay arguments, or None when it is not a valid subscription."""
    found = operation_of(query, operation_name)
    if found is None or found[1].operation != OperationType.SUBSCRIPTION:
        return None
    document, operation = found
    found = _ReplayArguments()
    visit(document, found)
    defaults = {
        definition.variable.name.value: not isinstance(
            definition.default_value, NullValueNode | None
        )
        for definition in operation.variable_definitions or ()
    }
    return _Shape(found.literal, {name: defaults.get(name, False) for name in found.variables})


def _replays(shape: _Shape, variables: Mapping[str, Any]) -> bool:
    if shape.always_replays:
        return True
    return any(
        variables[name] is not None if name in variables else has_default
        for name, has_default in shape.replay_variables.items()
    )


def share_key(
    context: RequestContext,
    query: str,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> tuple[Any, ...] | None:
    """What identifies a shareable operation, or None when it must run alone."""
    principal = context.principal
    shape = _shape(query, operation_name)
    if principal is None or shape is None or _replays(shape, variables or {}):
        return None
    try:
        variables_text = json.dumps(variables or {}, sort_keys=True)
    except TypeError:
        return None
    return (principal.tenant_id, principal.permissions, query, operation_name, variables_text)


def _shared_context(context: RequestContext) -> RequestContext:
    """The members' common view: their principal without expiry, no socket of its own."""
    assert context.principal is not None
    principal = dataclasses.replace(context.principal, expires_at=None)
    return dataclasses.replace(context, principal=principal, request=None, response=None)


class _Member:
    """One socket's place in a shared stream: a bounded queue of encoded payloads."""

    __slots__ = ("_queue", "ended")

    def __init__(self, capacity: int):
        self._queue: asyncio.Queue[str | Ending | None] = asyncio.Queue(capacity)
        self.ended = False

    def offer(self, item: str | Ending) -> None:
        """Queue `item`; on overflow, drop everything queued so no gap precedes the error."""
        if self.ended:
            return
        if isinstance(item, Ending):
            self.ended = True
        try:
            self._queue.put_nowait(item)
        except asyncio.QueueFull:
            self.ended = True
            while not self._queue.empty():
                self._queue.get_nowait()
            self._queue.put_nowait(item if isinstance(item, Ending) else None)

    async def next(self) -> str | Ending | None:
        """A payload, the stream's ending, or None when this member fell too far behind."""
        return await self._queue.get()


class _SharedStream:
    def __init__(
        self,
        streams: SharedStreams,
        key: tuple[Any, ...],
        context: RequestContext,
        open_source: OpenSource,
    ):
        self.members: set[_Member] = set()
        self._streams = streams
        self._key = key
        self.task = asyncio.create_task(self._run(open_source, _shared_context(context)))

    async def _run(self, open_source: OpenSource, context: RequestContext) -> None:
        ending = COMPLETED
        try:
            source = await open_source(context)
            first = True
            async with contextlib.aclosing(source):
                async for result in source:
                    if first and isinstance(result, PreExecutionError):
                        ending = Ending(tuple(error.formatted for error in result.errors or ()))
                        break
                    first = False
                    payload = self._streams.encode(_payload(result))
                    # `offer` never awaits nor touches `members`: no copy of the set needed.
                    for member in self.members:
                        member.offer(payload)
        except Exception:
            log.exception("a shared subscription failed")
        finally:
            self._streams.forget(self._key, self)
            for member in self.members:
                member.offer(ending)


def _payload(result: ExecutionResult) -> dict[str, Any]:
    payload: dict[str, Any] = {"data": result.data}
    if result.errors:
        payload["errors"] = [error.formatted for error in result.errors]
    if result.extensions:
        payload["extensions"] = result.extensions
    return payload


class SharedStreams:
    """The running shared streams of one gateway process, by share key."""

    def __init__(self, encode: Encode, capacity: int):
        self.encode = encode
        self._capacity = capacity
        self._too_slow = encode({"data": None, "errors": [TOO_SLOW]})
        self._streams: dict[tuple[Any, ...], _SharedStream] = {}

    def forget(self, key: tuple[Any, ...], stream: _SharedStream) -> None:
        if self._streams.get(key) is stream:
            del self._streams[key]

    @property
    def count(self) -> int:
        return len(self._streams)

    async def follow(
        self,
        key: tuple[Any, ...],
        context: RequestContext,
        open_source: OpenSource,
        frame_prefix: str,
        send_text: SendText,
    ) -> Ending:
        """Send the shared stream's results to one socket until it ends for that socket.

        Every result goes out as `frame_prefix + payload + "}"`: the protocol's message
        with this operation's id, around the payload encoded once for all members.
        """
        stream = self._streams.get(key)
        if stream is None:
            stream = self._streams[key] = _SharedStream(self, key, context, open_source)
        member = _Member(self._capacity)
        stream.members.add(member)
        try:
            while True:
                item = await member.next()
                if isinstance(item, Ending):
                    return item
                if item is None:
                    await send_text(frame_prefix + self._too_slow + "}")
                    return COMPLETED
                await send_text(frame_prefix + item + "}")
        finally:
            stream.members.discard(member)
            if not stream.members:
                self.forget(key, stream)
                stream.task.cancel()
