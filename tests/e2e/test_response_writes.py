"""The HTTP protocol `gateway serve` runs (gateway/response_writes.py) sends a response's
head with its body, and never keeps a head back from a client waiting for it."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.conftest import Served

SLOW_BODY_SECONDS = 1.0


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[bytes, bytes]:
    writer.write(request)
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    return head, await asyncio.wait_for(reader.readexactly(length), 5)


async def _answering(scope: Any, receive: Any, send: Any) -> None:
    """Answers /slow with its head at once and its body a second later, anything else at once."""
    if scope["type"] != "http":
        return
    await receive()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain"), (b"content-length", b"4")],
        }
    )
    if scope["path"] == "/slow":
        await asyncio.sleep(SLOW_BODY_SECONDS)
    await send({"type": "http.response.body", "body": b"done"})


async def test_responses_on_one_connection_arrive_whole_and_in_order() -> None:
    async with Served(_answering) as served:
        reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
        try:
            for path in (b"/first", b"/second", b"/third"):
                head, body = await _exchange(
                    reader, writer, b"GET " + path + b" HTTP/1.1\r\nhost: test\r\n\r\n"
                )
                assert head.startswith(b"HTTP/1.1 200 OK\r\n")
                assert body == b"done"
        finally:
            writer.close()


async def test_a_head_whose_body_is_not_ready_is_sent_at_once() -> None:
    async with Served(_answering) as served:
        reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
        try:
            writer.write(b"GET /slow HTTP/1.1\r\nhost: test\r\n\r\n")
            await writer.drain()
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), SLOW_BODY_SECONDS / 2)
            assert head.startswith(b"HTTP/1.1 200 OK\r\n")
            assert await asyncio.wait_for(reader.readexactly(4), 5) == b"done"
        finally:
            writer.close()


async def test_a_client_expecting_100_continue_is_told_to_go_on() -> None:
    async with Served(_answering) as served:
        reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
        try:
            writer.write(
                b"POST /upload HTTP/1.1\r\nhost: test\r\ncontent-length: 5\r\n"
                b"expect: 100-continue\r\n\r\n"
            )
            await writer.drain()
            interim = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
            assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
            head, body = await _exchange(reader, writer, b"hello")
            assert head.startswith(b"HTTP/1.1 200 OK\r\n")
            assert body == b"done"
        finally:
            writer.close()
