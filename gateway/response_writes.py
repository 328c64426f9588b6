"""uvicorn's HTTP/1.1 protocol (httptools), sending a response's head and body in one write.

uvicorn writes the status line and headers when the app sends `http.response.start` and
the body when it sends `http.response.body`: two writes, and on uvloop two `send`
system calls, for every response. Profiled under load, those writes were a fifth of a
planned read's CPU in the gateway (docs/decisions.md, "Compiled reads"). Here the
transport uvicorn writes to holds a response's head until the next write, and gives
both to the socket together (`writelines`: one system call, nothing copied). A head
is held for one turn of the event loop at most: if no body follows by then (a stream
whose first part is not ready), it goes out alone, as before. An interim response
(`100 Continue`), anything that is not a head, and closing the connection are never
held back. The bytes on the wire are the same.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEAD = b"HTTP/1.1 "
INTERIM = b"HTTP/1.1 1"
END_OF_HEAD = b"\r\n\r\n"


class OneWriteResponses(HttpToolsProtocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(HeadWithBody(transport, self.loop))  # type: ignore[arg-type]


class HeadWithBody:
    """A transport that sends a response's head with what is written next."""

    __slots__ = ("_held", "_loop", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop):
        self._transport = transport
        self._loop = loop
        self._held: bytes | None = None

    def write(self, data: bytes) -> None:
        held = self._held
        if held is not None:
            self._held = None
            self._transport.writelines((held, data))
        elif data.startswith(HEAD) and data.endswith(END_OF_HEAD) and not data.startswith(INTERIM):
            self._held = data
            self._loop.call_soon(self.flush)
        else:
            self._transport.write(data)

    def flush(self) -> None:
        """Send a head no body followed."""
        held = self._held
        if held is not None:
            self._held = None
            self._transport.write(held)

    def writelines(self, data: Any) -> None:
        self.flush()
        self._transport.writelines(data)

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        """An upgrade (websocket) takes the connection: nothing of HTTP's is held then."""
        self.flush()
        self._transport.set_protocol(protocol)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)
