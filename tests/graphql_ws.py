"""A real GraphQL-over-websocket client for tests, speaking both protocols.

`graphql-transport-ws` (the current one) and the legacy `graphql-ws`, as browser
dashboards do; nothing of the server is replaced.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

TRANSPORT_WS = "graphql-transport-ws"
LEGACY_WS = "graphql-ws"


class Subscriber:
    def __init__(
        self,
        url: str,
        token: str | None,
        protocol: str = TRANSPORT_WS,
        headers: dict[str, str] | None = None,
    ):
        """`headers` go on the upgrade request."""
        self.url = url.replace("http://", "ws://") + "/graphql"
        self.token = token
        self.protocol = protocol
        self.headers = headers or {}
        self.ws: ClientConnection | None = None

    async def connect(self) -> Subscriber:
        self.ws = await websockets.connect(
            self.url,
            subprotocols=[self.protocol],  # type: ignore[list-item]
            additional_headers=self.headers,
        )
        payload = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        await self._send({"type": "connection_init", "payload": payload})
        return self

    async def acknowledged(self) -> None:
        message = await self.receive()
        assert message["type"] == "connection_ack", message

    async def subscribe(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        operation_id: str = "1",
        extensions: dict[str, Any] | None = None,
    ) -> None:
        kind = "subscribe" if self.protocol == TRANSPORT_WS else "start"
        payload = {"query": query, "variables": variables or {}}
        await self._send(
            {
                "id": operation_id,
                "type": kind,
                "payload": {**payload, **({"extensions": extensions} if extensions else {})},
            }
        )

    async def complete(self, operation_id: str = "1") -> None:
        """End an operation from the client's side (`complete`, or legacy `stop`)."""
        kind = "complete" if self.protocol == TRANSPORT_WS else "stop"
        await self._send({"id": operation_id, "type": kind})

    async def receive(self, timeout: float = 10) -> dict[str, Any]:
        assert self.ws is not None
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), timeout)
            message = json.loads(raw)
            if message.get("type") not in ("ka", "ping", "pong"):
                return message

    async def next_data(self, timeout: float = 10) -> dict[str, Any]:
        """The data of the next event, failing on an error message."""
        message = await self.receive(timeout)
        assert message["type"] in ("next", "data"), message
        assert not message["payload"].get("errors"), message
        return message["payload"]["data"]

    async def nothing_for(self, seconds: float) -> None:
        """Assert that no event arrives for `seconds`."""
        try:
            message = await self.receive(timeout=seconds)
        except TimeoutError:
            return
        raise AssertionError(f"expected no message, got {message}")

    async def close_code(self, timeout: float = 10) -> int | None:
        assert self.ws is not None
        try:
            while True:
                await asyncio.wait_for(self.ws.recv(), timeout)
        except websockets.ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def _send(self, message: dict[str, Any]) -> None:
        assert self.ws is not None
        await self.ws.send(json.dumps(message))

    async def __aenter__(self) -> Subscriber:
        return await self.connect()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
