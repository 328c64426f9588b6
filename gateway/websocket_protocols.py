"""Strawberry's two websocket protocols, with identical subscriptions sharing one execution.

Only the running of a subscription changes (see `gateway.shared_subscriptions`); the
protocols' messages, their order, and what a client sees are Strawberry's. Operations
that cannot be shared (a replay with `since`, anything invalid) take Strawberry's path.
Every operation, shared or not, runs in a span of its own (`gateway.websocket_spans`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncGenerator
from contextlib import AbstractContextManager
from typing import Any, Protocol, cast

from graphql import OperationType
from opentelemetry.trace import Tracer
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.subscriptions.protocols.graphql_ws.types import StartMessage

from gateway.metrics import GatewayMetrics
from gateway.operations import operation_of
from gateway.shared_subscriptions import Ending, SharedStreams, share_key
from gateway.websocket_spans import OperationSpans
from schema.context import RequestContext


class _SharingView(Protocol):
    shared_subscriptions: SharedStreams
    metrics: GatewayMetrics
    tracer: Tracer


def _spans(
    handler: BaseGraphQLTransportWSHandler[RequestContext, None]
    | BaseGraphQLWSHandler[RequestContext, None],
    protocol: str,
) -> OperationSpans:
    """The spans of the operations on `handler`'s socket, parented by its upgrade request."""
    websocket = cast(ASGIWebSocketAdapter, handler.websocket).ws
    return OperationSpans(
        cast(_SharingView, handler.view).tracer, websocket.scope["headers"], protocol
    )


def _counted(
    handler: BaseGraphQLTransportWSHandler[RequestContext, None]
    | BaseGraphQLWSHandler[RequestContext, None],
    query: str,
    operation_name: str | None,
) -> AbstractContextManager[object]:
    """Counts a subscription in `graphql_active_subscriptions` while it runs (queries and
    mutations sent over a socket end at once and are counted with the others)."""
    found = operation_of(query, operation_name)
    if found is None or found[1].operation is not OperationType.SUBSCRIPTION:
        return contextlib.nullcontext()
    return cast(_SharingView, handler.view).metrics.subscriptions.track_inprogress()


class _TextSocket(Protocol):
    async def send_text(self, text: str) -> None: ...


async def _follow(
    handler: BaseGraphQLTransportWSHandler[RequestContext, None]
    | BaseGraphQLWSHandler[RequestContext, None],
    key: tuple[Any, ...],
    query: str,
    variables: dict[str, object] | None,
    operation_name: str | None,
    frame_prefix: str,
) -> Ending:
    async def open_source(context: RequestContext) -> AsyncGenerator[Any, None]:
        return await handler.schema.subscribe(
            query,
            variable_values=variables,
            context_value=context,
            root_value=handler.root_value,
            operation_name=operation_name,
        )

    return await cast(_SharingView, handler.view).shared_subscriptions.follow(
        key,
        handler.context,
        open_source,
        frame_prefix,
        cast(_TextSocket, handler.websocket).send_text,
    )


def operation_limit_error(limit: int) -> dict[str, Any]:
    """Strawberry's "Subscription limit reached", with a code and what to do about it."""
    return {
        "message": f"This connection already runs {limit} operations, the most one connection "
        "may; complete one, or open another connection.",
        "extensions": {"code": "SUBSCRIPTION_LIMIT_REACHED"},
    }


class SharingTransportWSHandler(BaseGraphQLTransportWSHandler[RequestContext, None]):
    """graphql-transport-ws: `next` frames of a shared stream, `error`/`complete` as usual."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.spans = _spans(self, GRAPHQL_TRANSPORT_WS_PROTOCOL)

    async def send_message(self, message: Any) -> None:
        self.spans.sent(message)
        await super().send_message(message)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        limit = self.max_subscriptions_per_connection
        if (
            limit is not None
            and message["id"] not in self.operations
            and len(self.operations) >= limit
        ):
            await self.send_message(
                {"id": message["id"], "type": "error", "payload": [operation_limit_error(limit)]}  # type: ignore[typeddict-item]
            )
            return
        self.spans.subscribed(message["id"], message["payload"])
        await super().handle_subscribe(message)

    async def run_operation(self, operation: Operation[RequestContext, None]) -> None:
        with (
            _counted(self, operation.query, operation.operation_name),
            self.spans.running(operation.id, operation.query, operation.operation_name),
        ):
            await self._run_operation(operation)

    async def _run_operation(self, operation: Operation[RequestContext, None]) -> None:
        key = share_key(
            self.context, operation.query, operation.operation_name, operation.variables
        )
        if key is None:
            await super().run_operation(operation)
            return
        prefix = '{"id":' + json.dumps(operation.id) + ',"type":"next","payload":'
        try:
            ending = await _follow(
                self, key, operation.query, operation.variables, operation.operation_name, prefix
            )
            if ending.errors:
                await operation.send_operation_message(
                    {"id": operation.id, "type": "error", "payload": list(ending.errors)}  # type: ignore[typeddict-item]
                )
            else:
                await operation.send_operation_message({"id": operation.id, "type": "complete"})
        except WebSocketDisconnected:
            self.operations.pop(operation.id, None)


class SharingWSHandler(BaseGraphQLWSHandler[RequestContext, None]):
    """Legacy graphql-ws: `data` frames of a shared stream, `error`/`complete` as usual."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.spans = _spans(self, GRAPHQL_WS_PROTOCOL)

    async def send_message(self, message: Any) -> None:
        self.spans.sent(message)
        await super().send_message(message)

    async def handle_start(self, message: StartMessage) -> None:
        limit = self.max_subscriptions_per_connection
        if limit is not None and message["id"] not in self.tasks and len(self.tasks) >= limit:
            await self.send_message(
                {"type": "error", "id": message["id"], "payload": operation_limit_error(limit)}  # type: ignore[typeddict-item]
            )
            return
        self.spans.subscribed(message["id"], message["payload"])
        await super().handle_start(message)

    async def handle_async_results(
        self,
        operation_id: str,
        query: str,
        operation_name: str | None,
        variables: dict[str, object] | None,
    ) -> None:
        with (
            _counted(self, query, operation_name),
            self.spans.running(operation_id, query, operation_name),
        ):
            await self._handle_async_results(operation_id, query, operation_name, variables)

    async def _handle_async_results(
        self,
        operation_id: str,
        query: str,
        operation_name: str | None,
        variables: dict[str, object] | None,
    ) -> None:
        key = share_key(self.context, query, operation_name, variables)
        if key is None:
            await super().handle_async_results(operation_id, query, operation_name, variables)
            return
        prefix = '{"type":"data","id":' + json.dumps(operation_id) + ',"payload":'
        try:
            ending = await _follow(self, key, query, variables, operation_name, prefix)
            if ending.errors:
                await self.send_message(
                    {"type": "error", "id": operation_id, "payload": ending.errors[0]}  # type: ignore[typeddict-item]
                )
            else:
                await self.send_message({"type": "complete", "id": operation_id})
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await self.send_message({"type": "complete", "id": operation_id})
            raise
        except WebSocketDisconnected:
            return
        finally:
            self.tasks.pop(operation_id, None)
