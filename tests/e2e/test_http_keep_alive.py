"""`gateway serve` keeps an idle client connection as long as HTTP_KEEP_ALIVE_SECONDS says.

A load balancer reuses its idle connections to the gateway; one the gateway closed first
turns the next request into a 502. uvicorn's own default closes after 5 s, below every
common balancer's idle timeout, so the gateway sets its own.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.conftest import Services
from tests.e2e.test_replicas import GatewayProcess

HEALTH = b"GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n"


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bytes:
    writer.write(HEALTH)
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    await reader.readexactly(length)
    return head


async def test_an_idle_connection_stays_open_for_the_keep_alive_then_is_closed(
    services: Services, database_url: str, tmp_path: Path
) -> None:
    replica = GatewayProcess(services, tmp_path / "gateway.log", HTTP_KEEP_ALIVE_SECONDS="2")
    await replica.start()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", replica.port)
        try:
            assert (await _exchange(reader, writer)).startswith(b"HTTP/1.1 200")
            await asyncio.sleep(1.0)
            assert (await _exchange(reader, writer)).startswith(b"HTTP/1.1 200")
            idle_since = asyncio.get_running_loop().time()
            assert await asyncio.wait_for(reader.read(), timeout=10) == b""
            idled = asyncio.get_running_loop().time() - idle_since
        finally:
            writer.close()
        assert 1.5 <= idled <= 4.0, f"closed after {idled:.1f} s idle, expected about 2"
    finally:
        await replica.stop()
