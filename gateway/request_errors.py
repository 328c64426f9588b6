"""Errors answered before GraphQL runs, in the GraphQL response shape every client handles.

A body that is not a GraphQL request (JSON `null`, a string, an array, nesting deeper
than any document needs, broken JSON, a wrong content type) is the client's mistake: it
gets a 4xx with `errors[0].extensions.code`, never a plain-text 500. The same shape
serves the idempotency layer's refusals.
"""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CODES = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "REQUEST_TOO_LARGE",
    429: "RATE_LIMITED",
}


def graphql_error(code: str, message: str, status_code: int = 200) -> JSONResponse:
    """One error, no data, with its stable code."""
    return JSONResponse(
        {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]},
        status_code=status_code,
    )


def request_error(status_code: int, reason: str) -> JSONResponse:
    """A request refused before execution (`status_code` 4xx), with the code of its status."""
    return graphql_error(CODES.get(status_code, "BAD_REQUEST"), reason, status_code)


class _TooLarge(Exception):
    pass


class LimitedBody:
    """Refuses a request body over `max_bytes` with 413, before the app reads it whole:
    by its declared length, or by counting a body sent without one."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self._app = app
        self._max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self._max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self._max_bytes:
                raise _TooLarge
            return message

        try:
            await self._app(scope, counted, send)
        except _TooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        await request_error(
            413,
            f"The request body is larger than {self._max_bytes} bytes, the most this gateway "
            "accepts; send a smaller document or fewer variables.",
        )(scope, receive, send)
