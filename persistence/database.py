"""The async engine: one connection pool per process, opened and closed by the app's lifespan."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from persistence import json

IDLE_SINCE = "idle_since"


def async_url(url: str) -> str:
    """Accept a plain `postgresql://` URL too, and speak asyncpg to it."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def create_engine(
    url: str,
    *,
    pool_size: int = 10,
    max_overflow: int = 10,
    ping_after_idle_seconds: float = 10.0,
) -> AsyncEngine:
    engine = create_async_engine(
        async_url(url),
        pool_size=pool_size,
        max_overflow=max_overflow,
        json_serializer=json.dumps,
        json_deserializer=json.loads,
        connect_args={"server_settings": {"application_name": "field-service-gateway"}},
    )
    ping_connections_idle_longer_than(engine, ping_after_idle_seconds)
    return engine


def ping_connections_idle_longer_than(engine: AsyncEngine, seconds: float) -> None:
    """Check a pooled connection before use only if it sat idle longer than `seconds`.

    SQLAlchemy's `pool_pre_ping` checks every checkout, which on asyncpg is three round
    trips (BEGIN, an empty query, ROLLBACK): about a third of a one-statement request.
    A connection handed back milliseconds ago is alive; the ones worth checking are
    those that waited through a database restart or an idle timeout. A connection that
    fails its check is replaced before the caller sees it. One that dies while busy
    fails its statement as before, and SQLAlchemy then recycles the whole pool.
    """

    @event.listens_for(engine.sync_engine.pool, "checkin")
    def returned(dbapi_connection: Any, entry: ConnectionPoolEntry) -> None:
        entry.info[IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine.sync_engine.pool, "checkout")
    def taken(dbapi_connection: Any, entry: ConnectionPoolEntry, proxy: Any) -> None:
        idle_since = entry.info.get(IDLE_SINCE)
        if idle_since is None or time.monotonic() - idle_since <= seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise DisconnectionError(f"pooled connection failed its check: {error}") from error


async def ping(engine: AsyncEngine) -> None:
    """Raise if the database cannot answer a trivial query."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
