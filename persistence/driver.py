"""The one way a statement reaches the database: SQLAlchemy Core builds it, asyncpg runs it.

SQLAlchemy defines the tables, builds every statement and owns the pool; every
repository statement, built once or per call, is compiled here into asyncpg's SQL with
its parameters' order and type processors, and run by asyncpg on a connection whose
transaction this module begins and ends. SQLAlchemy's own execute was mostly overhead:
measured on this machine, one primary-key SELECT cost 105 µs of CPU through it against
40 µs through asyncpg, and a transaction's BEGIN and COMMIT 150 against 80 (see
docs/decisions.md, "One data path"). A statement built once (a module constant) is
compiled on its first use; one built per call (a search with its filters) is compiled
once per shape (its SQLAlchemy cache key, which leaves its values out) and its values
taken from it on each call.

A tenant repository's statements go through `TenantDriver`, which fills in the tenant
and refuses a statement that does not name one.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, replace
from operator import itemgetter
from typing import Any
from weakref import WeakKeyDictionary

import asyncpg
from sqlalchemy import ARRAY, Executable
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.type_api import TypeEngine

from persistence import json

DIALECT = PGDialect_asyncpg(json_serializer=json.dumps, json_deserializer=json.loads)
"""Serializes JSON parameters as the engine does (persistence/database.py)."""
TENANT = "tenant_id"
"""The bind parameter every statement of a tenant repository filters or writes its tenant by."""

Processor = Callable[[Any], Any]
Taker = Callable[[Mapping[str, Any]], tuple[Any, ...]]
NESTED = (list, tuple)
"""What SQLAlchemy's ARRAY processor takes for a sub-array in a value's first element."""


@dataclass(frozen=True, slots=True)
class Compiled:
    """A statement's SQL with `$n` placeholders, and how to fill them from named values."""

    sql: str
    names: tuple[str, ...]
    fixed: Mapping[str, Any]
    """Values given when the statement was built (a literal in a WHERE clause)."""
    tenanted: bool
    """Whether the statement has the `tenant_id` bind a tenant repository fills in."""
    take: Taker
    """The values of `names`, in order, from a mapping of them."""
    processed: tuple[tuple[int, Processor], ...]
    """The arguments a value's type processes (JSON serialized, an enum named), by place."""
    arrays: tuple[tuple[int, Processor], ...]
    """The array arguments whose items nothing processes: a flat list goes as it is, since
    SQLAlchemy's processor would only copy it; any other value goes through the processor
    (which makes lists of a tuple, a generator or nested sequences)."""

    def arguments(self, values: Mapping[str, Any], tenant_id: str | None = None) -> list[Any]:
        """The arguments for `values`, with `tenant_id` over any tenant they name.

        Run per statement executed, so the values are taken in one C call and only the
        arguments a processor changes are looked at: SQLAlchemy's ARRAY processor on
        every array (a copy of the list, three calls deep) was most of this."""
        if tenant_id is not None:
            values = {**self.fixed, **values, TENANT: tenant_id}
        elif self.fixed:
            values = {**self.fixed, **values}
        arguments = list(self.take(values))
        for at, process in self.processed:
            value = arguments[at]
            if value is not None:
                arguments[at] = process(value)
        for at, process in self.arrays:
            value = arguments[at]
            if value is not None and (
                type(value) is not list or (value and isinstance(value[0], NESTED))
            ):
                arguments[at] = process(value)
        return arguments


def _taker(names: Sequence[str]) -> Taker:
    """`itemgetter` of `names`, always giving a tuple: of one name it gives the value
    alone, and of none it cannot be made."""
    if len(names) > 1:
        return itemgetter(*names)
    if names:
        only = names[0]
        return lambda values: (values[only],)
    return lambda values: ()


_compiled: WeakKeyDictionary[Executable, dict[frozenset[str], Compiled]] = WeakKeyDictionary()
"""Compiled forms by statement object: a module constant keeps its forms for the life of
the process, a statement built per call takes its form with it when it is dropped."""


SHAPES = 1024
"""How many statement shapes keep their compiled form (the most recently used)."""
_shapes: OrderedDict[tuple[Any, frozenset[str]], tuple[Compiled, SQLCompiler]] = OrderedDict()
"""Compiled forms by statement shape: a search built per call with the same filters set
(whatever their values) is compiled once. Compiling one cost 210-330 µs of CPU, reusing
its form 35-65 µs (building its cache key and reading its values)."""


def compiled(statement: Executable, keys: frozenset[str]) -> Compiled:
    """`statement` compiled for asyncpg, given values for `keys`: as when SQLAlchemy
    executes it, an INSERT writes those columns and an UPDATE sets those it names.

    Compiled once per statement object and set of keys, so a statement built once is
    compiled on its first use only, and once per shape, so a statement built per call
    is compiled on the first call of its shape only.
    """
    forms = _compiled.get(statement)
    if forms is None:
        forms = _compiled[statement] = {}
    found = forms.get(keys)
    if found is None:
        found = forms[keys] = _of_shape(statement, keys)
    return found


def _of_shape(statement: Executable, keys: frozenset[str]) -> Compiled:
    """The compiled form of `statement`'s shape, with `statement`'s own values."""
    cache_key = statement._generate_cache_key()  # type: ignore[attr-defined]
    if cache_key is None:
        return _compile(statement, keys, None)[0]
    shape = (cache_key.key, keys)
    known = _shapes.get(shape)
    if known is None:
        known = _shapes[shape] = _compile(statement, keys, cache_key)
        if len(_shapes) > SHAPES:
            _shapes.popitem(last=False)
        return known[0]
    _shapes.move_to_end(shape)
    form, result = known
    if not form.fixed:
        return form
    required = {name: None for name in form.names if name not in form.fixed}
    values = result.construct_params(required, extracted_parameters=cache_key.bindparams)
    assert values is not None
    return replace(form, fixed={name: values[name] for name in form.fixed})


def _compile(
    statement: Executable, keys: frozenset[str], cache_key: Any
) -> tuple[Compiled, SQLCompiler]:
    result = statement.compile(dialect=DIALECT, column_keys=sorted(keys), cache_key=cache_key)
    names = tuple(result.positiontup or ())
    for name in names:
        if result.binds[name].expanding:
            raise ValueError(f"{name}: an IN list is a new text per length; use any_() instead")
    types = [result.binds[name].type.dialect_impl(DIALECT) for name in names]
    processors = tuple(kind.bind_processor(DIALECT) for kind in types)
    plain_arrays = {at for at, kind in enumerate(types) if _is_plain_array(kind)}
    form = Compiled(
        sql=str(result),
        names=names,
        fixed={
            name: result.binds[name].effective_value
            for name in names
            if not result.binds[name].required
        },
        tenanted=TENANT in names,
        take=_taker(names),
        processed=tuple(
            (at, process)
            for at, process in enumerate(processors)
            if process is not None and at not in plain_arrays
        ),
        arrays=tuple(
            (at, process)
            for at, process in enumerate(processors)
            if process is not None and at in plain_arrays
        ),
    )
    return form, result  # type: ignore[return-value]


def _is_plain_array(kind: TypeEngine[Any]) -> bool:
    """An array of one dimension or unsaid whose items no processor changes."""
    return (
        isinstance(kind, ARRAY)
        and kind.dimensions in (None, 1)
        and kind.item_type.dialect_impl(DIALECT).bind_processor(DIALECT) is None
    )


class UntenantedStatement(Exception):
    """A programming error: a tenant repository ran a statement that names no tenant.

    Every statement of a tenant repository filters by `of_tenant(table)` (or, for an
    INSERT, writes the `tenant_id` column), so its tenant is the unit of work's; one that
    does not would read or change every tenant's rows.
    """

    def __init__(self, sql: str):
        super().__init__(
            "A tenant repository's statement must carry the tenant_id bind parameter "
            f"(filter with of_tenant(table)); this one does not: {sql}"
        )


class Driver:
    """One pooled connection, spoken to through asyncpg: in a unit of work's transaction
    (which the unit begins and ends through it), or alone, one statement at a time,
    outside any transaction (`standalone`)."""

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

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """A part of the transaction that may fail alone: a statement refused inside it
        is undone, and the transaction stays usable for the caller that handles it."""
        await self.connection.execute("SAVEPOINT part")
        try:
            yield
        except Exception:
            await self.connection.execute("ROLLBACK TO SAVEPOINT part")
            raise
        await self.connection.execute("RELEASE SAVEPOINT part")


class TenantDriver:
    """The driver as a tenant repository sees it: every statement runs for one tenant.

    The tenant is filled in here, over any value a caller gave, into the `tenant_id`
    bind parameter (`of_tenant(table)` in a WHERE clause, the `tenant_id` column of an
    INSERT); a statement without that parameter is refused before it reaches the
    database (`UntenantedStatement`).
    """

    __slots__ = ("driver", "tenant_id")

    def __init__(self, driver: Driver, tenant_id: str):
        self.driver = driver
        self.tenant_id = tenant_id

    def savepoint(self) -> AbstractAsyncContextManager[None]:
        return self.driver.savepoint()

    def _form(self, statement: Executable, keys: frozenset[str]) -> Compiled:
        # An INSERT writes the tenant column; an UPDATE must not set it (it filters by it).
        keys = keys | {TENANT} if statement.is_insert else keys - {TENANT}
        found = compiled(statement, keys)
        if not found.tenanted:
            raise UntenantedStatement(found.sql)
        return found

    def _sql(self, statement: Executable, values: Mapping[str, Any]) -> tuple[Any, ...]:
        found = self._form(statement, frozenset(values))
        return (found.sql, *found.arguments(values, self.tenant_id))

    async def rows(self, statement: Executable, values: Mapping[str, Any]) -> list[asyncpg.Record]:
        return await self.driver.connection.fetch(*self._sql(statement, values))

    async def row(self, statement: Executable, values: Mapping[str, Any]) -> asyncpg.Record | None:
        return await self.driver.connection.fetchrow(*self._sql(statement, values))

    async def value(self, statement: Executable, values: Mapping[str, Any]) -> Any:
        return await self.driver.connection.fetchval(*self._sql(statement, values))

    async def run(self, statement: Executable, values: Mapping[str, Any]) -> None:
        await self.driver.connection.execute(*self._sql(statement, values))

    async def run_many(
        self, statement: Executable, rows: Sequence[Mapping[str, Any]]
    ) -> list[asyncpg.Record]:
        """Execute once per row in one round trip (every row names the same columns)."""
        if not rows:
            return []
        found = self._form(statement, frozenset(rows[0]))
        return await self.driver.connection.fetchmany(
            found.sql, [found.arguments(row, self.tenant_id) for row in rows]
        )


async def driver_of(connection: AsyncConnection) -> Driver:
    """The asyncpg side of a connection SQLAlchemy checked out of its pool."""
    raw = await connection.get_raw_connection()
    return Driver(raw.driver_connection)


@asynccontextmanager
async def standalone(engine: AsyncEngine) -> AsyncIterator[Driver]:
    """A pooled connection outside any transaction, for statements that stand alone:
    PostgreSQL makes each atomic by itself, and no BEGIN or COMMIT is spent around it."""
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
