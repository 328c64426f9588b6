"""`Idempotency-Key` on GraphQL mutations: a retried request returns the first result.

Wrapped around POST /graphql. For a mutation carrying the header, per tenant:

1. the key is claimed by an INSERT (and committed) before the mutation runs, so a
   concurrent duplicate finds it and gets IDEMPOTENCY_KEY_IN_USE instead of running twice;
2. the response is stored with the key; a repeat of the same request (same query,
   variables and operation name) gets that response back unchanged, with the header
   `Idempotent-Replayed: true`, and changes nothing;
3. the same key with a different request is IDEMPOTENCY_KEY_REUSED;
4. a request that failed entirely (no field returned data) releases the key: nothing
   was changed, so the client may retry it with the same key;
5. keys expire after IDEMPOTENCY_KEY_TTL_SECONDS and may then be used again.

Queries, subscriptions, anonymous callers and bodies that are not a JSON GraphQL
request pass through untouched: the header only matters where a retry could change
something twice.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

from graphql import OperationType
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.context import ContextFactory
from gateway.operations import operation_of
from gateway.request_errors import graphql_error
from persistence.repositories.idempotency import IN_PROGRESS, HeldKey
from persistence.unit_of_work import UnitOfWorkFactory

HEADER = "idempotency-key"
LONGEST_KEY = 255


def is_mutation(request: dict[str, Any]) -> bool:
    try:
        found = operation_of(request["query"], request.get("operationName"))
    except (TypeError, KeyError):  # no query, or not a string
        return False
    return found is not None and found[1].operation == OperationType.MUTATION


def fingerprint(request: dict[str, Any]) -> str:
    """The same request however its JSON was spaced or its variables ordered."""
    canonical = json.dumps(
        [request.get("query"), request.get("variables") or {}, request.get("operationName")],
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def changed_something(status: int, body: bytes) -> bool:
    """False when no field of the mutation returned data: then nothing was committed."""
    if status != 200:
        return False
    try:
        data = json.loads(body).get("data")
    except (ValueError, AttributeError):
        return False
    return isinstance(data, dict) and any(value is not None for value in data.values())


class IdempotentMutations:
    def __init__(self, app: ASGIApp, contexts: ContextFactory, ttl: timedelta):
        self._app = app
        self._contexts = contexts
        self._ttl = ttl

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope)
        key = headers.get(HEADER)
        if key is None or scope["method"] != "POST":
            await self._app(scope, receive, send)
            return
        body = await Request(scope, receive).body()
        replay = _replaying(body)
        request = _json_request(body)
        if request is None or not is_mutation(request):
            await self._app(scope, replay, send)
            return
        principal, _ = await self._contexts.caller(headers.get("authorization"))
        if principal is None:
            await self._app(scope, replay, send)
            return
        if not key.strip() or len(key) > LONGEST_KEY:
            response = graphql_error(
                "BAD_USER_INPUT",
                f"An Idempotency-Key is 1 to {LONGEST_KEY} characters; send a UUID per request.",
            )
            await response(scope, receive, send)
            return
        uow = self._contexts.units_of_work(principal.tenant_id)
        await self._once(scope, replay, send, uow, key, fingerprint(request))

    async def _once(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        uow: UnitOfWorkFactory,
        key: str,
        print_: str,
    ) -> None:
        async with uow() as work:
            held = await work.idempotency_keys.claim(key, print_, self._ttl)
            await work.commit()
        if held is not None:
            await _answer_held(held, print_)(scope, receive, send)
            return
        messages: list[Message] = []

        async def capture(message: Message) -> None:
            messages.append(message)

        try:
            await self._app(scope, receive, capture)
        except BaseException:
            await _release(uow, key)
            raise
        status = next(m["status"] for m in messages if m["type"] == "http.response.start")
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
        if changed_something(status, body):
            async with uow() as work:
                await work.idempotency_keys.complete(key, status, body.decode())
                await work.commit()
        else:
            await _release(uow, key)
        for message in messages:
            await send(message)


def _answer_held(held: HeldKey, print_: str) -> Response:
    if held.fingerprint != print_:
        return graphql_error(
            "IDEMPOTENCY_KEY_REUSED",
            "This Idempotency-Key was already used for a different request; use a new key "
            "for each distinct mutation.",
        )
    if held.status == IN_PROGRESS:
        return graphql_error(
            "IDEMPOTENCY_KEY_IN_USE",
            "A request with this Idempotency-Key is still running; wait for it and retry to "
            "get its result.",
        )
    return Response(
        held.response_body,
        status_code=held.response_status,
        media_type="application/json",
        headers={"Idempotent-Replayed": "true"},
    )


async def _release(uow: UnitOfWorkFactory, key: str) -> None:
    async with uow() as work:
        await work.idempotency_keys.release(key)
        await work.commit()


def _json_request(body: bytes) -> dict[str, Any] | None:
    try:
        request = json.loads(body)
    except ValueError:
        return None
    return request if isinstance(request, dict) else None


def _replaying(body: bytes) -> Receive:
    """A `receive` that hands the app the body already read, then waits for disconnect."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive
