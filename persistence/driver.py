"""Statements built once with SQLAlchemy Core, compiled once, and run by asyncpg itself.

SQLAlchemy defines the tables, builds every statement and runs the ones built per call
(searches, pages, filters). The statements on every request's path are module
constants (see `of_tenant`), and for those SQLAlchemy's execute is mostly overhead:
measured on this machine, one primary-key SELECT cost 105 µs of CPU through it against
40 µs through asyncpg, and a transaction's BEGIN and COMMIT 150 against 80. On the
estimate workflow that was a quarter of the gateway's CPU. Here such a statement is
compiled once into asyncpg's SQL with its parameters' order and type processors, and
each execution only orders the values and hands them to the connection.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import asyncpg
from sqlalchemy import Executable
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from persistence import json

DIALECT = PGDialect_asyncpg(json_serializer=json.dumps, json_deserializer=json.loads)
"""Serializes JSON parameters as the engine does (persistence/database.py)."""

Processor = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class Compiled:
    """A statement's SQL with `$n` placeholders, and how to fill them from named values."""

    sql: str
    names: tuple[str, ...]
    processors: tuple[Processor | None, ...]
    fixed: Mapping[str, Any]
    """Values given when the statement was built (a literal in a WHERE clause)."""

    def arguments(self, values: Mapping[str, Any]) -> list[Any]:
        arguments = []
        for name, process in zip(self.names, self.processors, strict=True):
            value = values[name] if name in values else self.fixed[name]
            arguments.append(value if process is None or value is None else process(value))
        return arguments


@lru_cache(maxsize=1024)
def compiled(statement: Executable, keys: frozenset[str]) -> Compiled:
    """`statement` compiled for asyncpg, given values for `keys`: as when SQLAlchemy
    executes it, an INSERT writes those columns and an UPDATE sets those it names.

    Cached by the statement's identity, so it is meant for statements built once.
    """
    result = statement.compile(dialect=DIALECT, column_keys=sorted(keys))
    names = tuple(result.positiontup or ())
    for name in names:
        if result.binds[name].expanding:
            raise ValueError(f"{name}: an IN list is a new text per length; use any_() instead")
    return Compiled(
        sql=str(result),
        names=names,
        processors=tuple(
            result.binds[name].type.dialect_impl(DIALECT).bind_processor(DIALECT) for name in names
        ),
        fixed={
            name: result.binds[name].effective_value
            for name in names
            if not result.binds[name].required
        },
    )


class Driver:
    """One pooled connection, spoken to through asyncpg: in a unit of work's transaction
    (which the unit begins and ends through it), or alone on an autocommit pool."""

    __slots__ = ("connection",)

    def __init__(self, connection: asyncpg.Connection):
        self.connection = connection

    async def rows(self, statement: Executable, values: Mapping[str, Any]) -> list[asyncpg.Record]:
        """The rows `statement` gives; an INSERT writes the columns `values` names."""
        found = compiled(statement, frozenset(values))
        return await self.connection.fetch(found.sql, *found.arguments(values))

    async def row(self, statement: Executable, values: Mapping[str, Any]) -> asyncpg.Record | None:
        """The first row `statement` gives, or None."""
        found = compiled(statement, frozenset(values))
        return await self.connection.fetchrow(found.sql, *found.arguments(values))

    async def value(self, statement: Executable, values: Mapping[str, Any]) -> Any:
        """The first column of the first row `statement` gives, or None."""
        found = compiled(statement, frozenset(values))
        return await self.connection.fetchval(found.sql, *found.arguments(values))

    async def run(self, statement: Executable, values: Mapping[str, Any]) -> None:
        """Execute for effect only."""
        found = compiled(statement, frozenset(values))
        await self.connection.execute(found.sql, *found.arguments(values))

    async def run_many(
        self, statement: Executable, rows: Sequence[Mapping[str, Any]]
    ) -> list[asyncpg.Record]:
        """Execute once per row in one round trip (every row names the same columns);
        what each execution RETURNING gave, in order."""
        if not rows:
            return []
        found = compiled(statement, frozenset(rows[0]))
        return await self.connection.fetchmany(found.sql, [found.arguments(row) for row in rows])

    async def begin(self) -> None:
        await self.connection.execute("BEGIN")

    async def commit(self) -> None:
        await self.connection.execute("COMMIT")

    async def rollback(self) -> None:
        await self.connection.execute("ROLLBACK")

    def in_transaction(self) -> bool:
        return self.connection.is_in_transaction()


async def driver_of(connection: AsyncConnection) -> Driver:
    """The asyncpg side of a connection SQLAlchemy checked out of its pool."""
    raw = await connection.get_raw_connection()
    return Driver(raw.driver_connection)


@asynccontextmanager
async def standalone(engine: AsyncEngine) -> AsyncIterator[Driver]:
    """A pooled connection of an autocommit `engine`, for statements that stand alone."""
    async with engine.connect() as connection:
        yield await driver_of(connection)


LOST_CONNECTION = (
    asyncpg.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.CannotConnectNowError,
)
"""What the driver raises when the database went away mid-use (restart, failover,
a terminated session), as opposed to a statement the database refused."""
