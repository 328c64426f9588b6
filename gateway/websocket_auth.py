"""Authenticating a websocket once, at `connection_init`, and closing it when the token expires.

The token comes in the `connection_init` payload (`{"Authorization": "Bearer <jwt>"}` or
`{"token": "<jwt>"}`) or, for clients that can send one, the upgrade request's
Authorization header. No credentials at all close the socket with 4401 (Unauthorized);
credentials that fail close it with 4403 (Forbidden), the code graphql-transport-ws
gives a rejected `connection_init`. Legacy graphql-ws clients get the same codes after
their `connection_error` message.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, Mapping
from datetime import UTC, datetime
from typing import Any

from starlette.websockets import WebSocketDisconnect, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.exceptions import (
    NonJsonMessageReceived,
    NonTextMessageReceived,
    WebSocketDisconnected,
)

from gateway.auth import TokenRejected, TokenVerifier
from schema.context import RequestContext

CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_BAD_FRAME = 4400
STATE_CLOSE = "close_with"
STATE_EXPIRY = "token_expiry"


class GatewayWebSocketAdapter(ASGIWebSocketAdapter):
    """Closes with the code the authentication chose, whatever the protocol handler asks,
    and closes with 4400 on a frame that is not a JSON object (an array, a number, nesting
    too deep), where the protocol handlers would fail on it and drop the socket (1006)."""

    async def iter_json(
        self, *, ignore_parsing_errors: bool = False
    ) -> AsyncGenerator[object, None]:
        try:
            while self.ws.application_state != WebSocketState.DISCONNECTED:
                text = await self.ws.receive_text()
                try:
                    message = json.loads(text)
                except (json.JSONDecodeError, RecursionError) as error:
                    if ignore_parsing_errors:
                        continue
                    raise NonJsonMessageReceived from error
                if not isinstance(message, dict):
                    await self.close(CLOSE_BAD_FRAME, "WebSocket message must be a JSON object")
                    return
                yield message
        except KeyError as error:
            raise NonTextMessageReceived from error
        except WebSocketDisconnect:
            return

    async def close(self, code: int, reason: str) -> None:
        code, reason = self.ws.scope.get("state", {}).get(STATE_CLOSE, (code, reason))
        await super().close(code, reason)

    async def send_text(self, text: str) -> None:
        """Send a frame already encoded (a shared subscription's result, see SharedStreams)."""
        try:
            await self.ws.send_text(text)
        except WebSocketDisconnect as disconnected:
            raise WebSocketDisconnected from disconnected


def _token_from(params: Mapping[str, Any] | None) -> str | None:
    if not params:
        return None
    for key in ("Authorization", "authorization"):
        if isinstance(params.get(key), str):
            return params[key]
    for key in ("token", "authToken"):
        if isinstance(params.get(key), str):
            return f"Bearer {params[key]}"
    return None


async def authenticate_connection(context: RequestContext, verifier: TokenVerifier) -> None:
    """Establish the connection's principal or reject it (see the module docstring)."""
    websocket = context.request
    state = websocket.scope.setdefault("state", {})
    authorization = _token_from(context.connection_params)
    if authorization is not None:
        try:
            context.principal = await verifier.principal(authorization)
        except TokenRejected as rejected:
            state[STATE_CLOSE] = (CLOSE_FORBIDDEN, f"Forbidden: {rejected}"[:120])
            raise ConnectionRejectionError({"message": str(rejected)}) from rejected
    if context.principal is None:
        reason = context.auth_problem or "Send a token in the connection_init payload."
        state[STATE_CLOSE] = (CLOSE_UNAUTHORIZED, f"Unauthorized: {reason}"[:120])
        raise ConnectionRejectionError({"message": reason})
    expires_at = context.principal.expires_at
    if expires_at is not None:
        delay = (expires_at - datetime.now(UTC)).total_seconds()
        state[STATE_EXPIRY] = asyncio.get_running_loop().call_later(
            max(delay, 0), lambda: asyncio.ensure_future(_close_expired(websocket))
        )


async def _close_expired(websocket: Any) -> None:
    try:
        await websocket.close(code=CLOSE_UNAUTHORIZED, reason="Unauthorized: token expired")
    except RuntimeError:
        return


def forget_connection(scope: Mapping[str, Any]) -> None:
    """Cancel the expiry timer of a websocket that has closed."""
    timer = scope.get("state", {}).get(STATE_EXPIRY)
    if timer is not None:
        timer.cancel()
