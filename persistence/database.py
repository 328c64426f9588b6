"""The async engine: one connection pool per process, opened and closed by the app's lifespan."""

from __future__ import annotations

import time
from contextlib import suppress
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, MissingGreenlet
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection
from sqlalchemy.util import greenlet_spawn
from sqlalchemy.util.concurrency import in_greenlet

from persistence import json

IDLE_SINCE = "idle_since"
UNCHECKED = "unchecked"
"""Marks a connection taken without a greenlet while its check was due (`checked_out`)."""
NUMBERING_POOL_SIZE = 4
NUMBERING_SESSION = {"synchronous_commit": "off"}
"""Taking a number skips the wait for its WAL flush, a second fsync wait per creation
(see `create_engine` for why that is safe)."""
_numbering: WeakKeyDictionary[Engine, AsyncEngine] = WeakKeyDictionary()


def async_url(url: str) -> str:
    """Accept a plain `postgresql://` URL too, and speak asyncpg to it."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


@dataclass(frozen=True)
class DatabaseTimeouts:
    """How long a request waits on the database before it is told the database is
    unavailable (`ServiceUnavailable`), so a stalled server cannot hang every caller.

    `unit` bounds a whole unit of work (one request's transaction), with one timer per
    unit: a timeout on every statement (asyncpg's `command_timeout`) cost 0.15 ms of CPU
    per mutation, a tenth of the gateway's, for the same protection."""

    connect: float = 5.0
    pool: float = 5.0
    unit: float = 10.0


_timeouts: WeakKeyDictionary[Engine, DatabaseTimeouts] = WeakKeyDictionary()


def timeouts_of(engine: AsyncEngine) -> DatabaseTimeouts:
    """The timeouts `engine` was created with (the defaults for one made elsewhere)."""
    return _timeouts.get(engine.sync_engine, DatabaseTimeouts())


def create_engine(
    url: str,
    *,
    pool_size: int = 10,
    max_overflow: int = 10,
    ping_after_idle_seconds: float = 10.0,
    timeouts: DatabaseTimeouts = DatabaseTimeouts(),
) -> AsyncEngine:
    """The process's pool, with a small autocommit pool beside it for taking numbers.

    Numbering (persistence/repositories/naming.py) runs outside the creating
    transaction; from a pool of its own it never waits for a connection that a
    transaction waiting on it holds. It is disposed with the main pool.

    Its commits do not wait for their WAL flush (`NUMBERING_SESSION`), and that costs no
    safety. A record commits after the number it uses was taken, so its own flushed
    commit flushes the taking too: a crash can lose only numbers no committed record
    holds, and the series never hands out a number a surviving record has.
    """
    engine = _pool(url, pool_size, max_overflow, ping_after_idle_seconds, timeouts)
    numbering = _pool(
        url,
        NUMBERING_POOL_SIZE,
        0,
        ping_after_idle_seconds,
        timeouts,
        isolation_level="AUTOCOMMIT",
        server_settings=NUMBERING_SESSION,
    )
    _numbering[engine.sync_engine] = numbering
    _timeouts[engine.sync_engine] = timeouts

    @event.listens_for(engine.sync_engine, "engine_disposed")
    def disposed(sync_engine: Engine) -> None:
        numbering.sync_engine.dispose()

    return engine


def numbering_engine(engine: AsyncEngine) -> AsyncEngine:
    """The autocommit pool beside `engine` that numbers are taken from."""
    return _numbering[engine.sync_engine]


def _pool(
    url: str,
    size: int,
    overflow: int,
    ping_after_idle_seconds: float,
    timeouts: DatabaseTimeouts,
    server_settings: dict[str, str] | None = None,
    **options: Any,
) -> AsyncEngine:
    # The overflow is part of the pool, opened when needed and then kept: SQLAlchemy
    # closes an overflow connection as soon as it is handed back, so under steady load
    # (ten clients each holding a connection per DataLoader batch) the pool opened and
    # closed a PostgreSQL session per request: 409 in 5 s, half the throughput
    # (issue 18). A pool opens its connections on demand either way. It hands out the
    # connection handed back last (LIFO): first-in-first-out cycled even one client's
    # requests through every connection the pool had opened, each a PostgreSQL backend
    # gone cold, and one planned estimate cost the database 0.25 ms instead of 0.14.
    engine = create_async_engine(
        async_url(url),
        pool_size=size + overflow,
        max_overflow=0,
        pool_use_lifo=True,
        pool_timeout=timeouts.pool,
        json_serializer=json.dumps,
        json_deserializer=json.loads,
        connect_args={
            "server_settings": {"application_name": "field-service-gateway"}
            | (server_settings or {}),
            "timeout": timeouts.connect,
        },
        **options,
    )
    ping_connections_idle_longer_than(engine, ping_after_idle_seconds)
    event.listen(engine.sync_engine, "do_connect", _opened_in_a_greenlet)
    return engine


def _opened_in_a_greenlet(dialect: Any, record: Any, cargs: Any, cparams: Any) -> None:
    """Refuse to open a connection outside a greenlet before the dialect starts to
    (`checked_out` then opens it in one): refused later, by SQLAlchemy's `await_`, the
    dialect would leave asyncpg's `connect` coroutine made and never awaited."""
    if not in_greenlet():
        raise MissingGreenlet("a pooled connection is opened in a greenlet (checked_out)")


def ping_connections_idle_longer_than(engine: AsyncEngine, seconds: float) -> None:
    """Check a pooled connection before use only if it sat idle longer than `seconds`.

    SQLAlchemy's `pool_pre_ping` checks every checkout, which on asyncpg is three round
    trips (BEGIN, an empty query, ROLLBACK): about a third of a one-statement request.
    A connection handed back milliseconds ago is alive; the ones worth checking are
    those that waited through a database restart or an idle timeout. A connection that
    fails its check is replaced before the caller sees it. One that dies while busy
    fails its statement as before, and SQLAlchemy then recycles the whole pool.

    A connection taken without a greenlet (`checked_out`) cannot be checked here: it is
    marked, and `checked_out` checks it before handing it out.
    """

    @event.listens_for(engine.sync_engine.pool, "checkin")
    def returned(dbapi_connection: Any, entry: ConnectionPoolEntry) -> None:
        entry.info[IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine.sync_engine.pool, "checkout")
    def taken(dbapi_connection: Any, entry: ConnectionPoolEntry, proxy: Any) -> None:
        idle_since = entry.info.get(IDLE_SINCE)
        if idle_since is None or time.monotonic() - idle_since <= seconds:
            return
        if not in_greenlet():
            entry.info[UNCHECKED] = True
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise DisconnectionError(f"pooled connection failed its check: {error}") from error


async def checked_out(engine: AsyncEngine) -> PoolProxiedConnection:
    """A connection of `engine`'s pool, as the pool hands it out (its checkout events,
    its timeout, its check of a connection idle too long), without the SQLAlchemy
    `Connection` and `AsyncConnection` around it: a unit of work speaks to asyncpg
    only, and making, starting and closing those two and fetching the raw connection
    through them cost three greenlet switches and some 25 µs a unit.

    Taken without a greenlet when one is idle in the pool, since taking it never waits:
    `greenlet_spawn` was a third of a unit's checkout and hand-back (11 of 32 µs of CPU;
    making a greenlet alone cost 8 µs on the benchmark machine). What would wait is
    done as before, in a greenlet: opening a connection when none is idle; reopening one
    the pool invalidated (its record refuses to open without a greenlet,
    `_opened_in_a_greenlet`, and is handed back first; one the whole pool's invalidation
    made stale is closed at once, as SQLAlchemy closes one outside a greenlet, without
    the goodbye message); checking one idle too long (marked by the checkout event),
    which is replaced if it fails its check, as the event replaces one.
    """
    pool = engine.sync_engine.pool
    if pool.checkedin():  # type: ignore[attr-defined]
        try:
            connection = pool.connect()
        except MissingGreenlet:
            return await greenlet_spawn(pool.connect)
        if not connection.info.pop(UNCHECKED, False):
            return connection
        try:
            await greenlet_spawn(engine.dialect.do_ping, connection.dbapi_connection)
        except BaseException as error:
            await discard(connection)
            if not isinstance(error, Exception):
                raise
        else:
            return connection
    return await greenlet_spawn(pool.connect)


async def discard(connection: PoolProxiedConnection) -> None:
    """Drop a connection the server may never answer on, without waiting for it (the
    pool then forgets it: invalidating checks it in)."""
    with suppress(Exception):
        await greenlet_spawn(connection.invalidate)


async def ping(engine: AsyncEngine) -> None:
    """Raise if the database cannot answer a trivial query."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
