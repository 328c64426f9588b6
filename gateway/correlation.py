"""The correlation id of a GraphQL request over HTTP, stored with every event it causes.

The caller's `X-Correlation-Id` when it sent a usable one (1 to 128 visible ASCII
characters; anything else is replaced, not refused: it must never cost the request),
else one made for the request: from its trace id when it is traced, so one id finds
both. The answer names it in the same header, so a caller that sent none can still
quote it. See persistence/correlation.py for where it goes.
"""

from __future__ import annotations

from opentelemetry.trace import get_current_span
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from persistence.correlation import correlated, new_correlation_id, usable

HEADER = b"x-correlation-id"


class CorrelatedRequests:
    def __init__(self, app: ASGIApp):
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        sent = next((value for name, value in scope["headers"] if name == HEADER), None)
        correlation_id = usable(sent.decode("latin-1") if sent else None) or new_correlation_id(
            get_current_span().get_span_context().trace_id
        )
        named = (HEADER, correlation_id.encode())

        async def answered(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", ()), named]}
            await send(message)

        with correlated(correlation_id):
            await self._app(scope, receive, answered)
