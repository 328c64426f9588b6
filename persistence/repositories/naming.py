"""Readable ids from per-tenant naming series, each number taken in a statement of its own.

Taken inside the creating transaction, a number held its series' row lock until that
transaction committed, so creations of one kind queued behind each other (with ten
clients creating estimates, lock waits were logged throughout the run, and
createEstimate's p99 was twice the other mutations'). Taken in autocommit, from a pool
of its own (see `persistence.database.create_engine`), the lock lasts one statement.
The price is a gap when a creation fails after taking its number, as with the
sequence-numbered quotations and orders of most ERPs; nothing numbered from these
series must be gap-free (invoices are not numbered here).

A series numbered at a high rate (sales orders, stock reservations) may be numbered
from a block: the process takes `BLOCK` numbers in one statement and hands them out one
by one, so most creations spend no statement on their number. Its numbers stay unique (the block is
taken from the series like any number), but not in the order of creation across
processes (two replicas each hold a block), and a process that stops leaves the rest
of its block unused (a gap, as a refused creation leaves). A number handed out but
written by nothing (a sales order written alone that found its stock taken meanwhile)
is given back to the block, and handed out next (`give_back_to_block`).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from sqlalchemy import bindparam, func, literal_column, select, true
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.finance.periods import FinancialPeriod
from domain.receivables.accounts import ChartOfAccounts
from persistence.driver import TenantDriver, standalone
from persistence.repositories.receivables.accounts import BOOKS, BOOKS_ORDER, books_of_rows
from persistence.tables import naming_series

TAKE_NEXT = (
    insert(naming_series)
    .values(tenant_id=bindparam("tenant_id"), series=bindparam("series"), last_value=1)
    .on_conflict_do_update(
        index_elements=[naming_series.c.tenant_id, naming_series.c.series],
        set_={"last_value": naming_series.c.last_value + 1},
    )
    .returning(naming_series.c.last_value)
)


TAKE_MANY = (
    insert(naming_series)
    .values(
        tenant_id=bindparam("tenant_id"), series=bindparam("series"), last_value=bindparam("count")
    )
    .on_conflict_do_update(
        index_elements=[naming_series.c.tenant_id, naming_series.c.series],
        set_={"last_value": naming_series.c.last_value + bindparam("count")},
    )
    .returning(naming_series.c.last_value)
)

UNFLUSHED = select(
    func.set_config(literal_column("'synchronous_commit'"), literal_column("'off'"), true()).label(
        "synchronous_commit"
    )
).cte("unflushed")
"""A statement taking numbers on the main pool (a payment's, with its books) joins this
so that its own commit does not wait for its WAL flush, as the numbering pool's do not
(persistence/database.py, `NUMBERING_SESSION`): the number is durable once the record
that uses it commits, flushed, after it; a crash can only lose a number no committed
record holds. `set_config(..., true)` ends with the statement's transaction, so the
pooled session keeps its own setting. A flushed commit cost the database some 0.1-0.2
ms of CPU and the request an fsync wait (0.5-2 ms on the benchmark's disk)."""

_TAKEN = TAKE_MANY.cte("taken")
TAKE_MANY_WITH_BOOKS = (
    select(_TAKEN.c.last_value, *BOOKS.c)
    .select_from(_TAKEN.outerjoin(BOOKS, true()))
    .order_by(*BOOKS_ORDER)
)
"""`TAKE_MANY`, and the tenant's books beside the number (at least one row: the number's)."""


BLOCK = 20
"""How many numbers a process takes at once for a series numbered from a block."""


@dataclass(slots=True)
class _Block:
    """The numbers of one tenant's series the process holds, lowest first; one creation
    at a time takes the next block (the others wait for it rather than take their own)."""

    numbers: deque[int] = field(default_factory=deque)
    refilling: asyncio.Lock = field(default_factory=asyncio.Lock)


_blocks: WeakKeyDictionary[Engine, dict[tuple[str, str], _Block]] = WeakKeyDictionary()
"""The blocks the process holds, by numbering pool, then tenant and series."""


def series_id(prefix: str, number: int, width: int = 3) -> str:
    """The id of `number` in the series `prefix`: CUST-001, RES-1234."""
    return f"{prefix}-{number:0{width}d}"


def series_ids(prefix: str, last: int, count: int, width: int = 3) -> list[str]:
    """The ids of the `count` numbers a statement took from the series `prefix` (`TAKE_MANY`
    and the statements built on it), the last of them `last`, in order."""
    return [series_id(prefix, n, width) for n in range(last - count + 1, last + 1)]


class NamingSeries:
    """One tenant's series. Not a repository of the unit of work (its numbers are taken
    outside the unit's transaction), but its statement runs for the tenant like one."""

    def __init__(self, numbering: AsyncEngine, tenant_id: str):
        self._numbering = numbering
        self.tenant_id = tenant_id

    async def next_id(self, prefix: str, width: int = 3) -> str:
        """Take the next number of the series `prefix` for this tenant (CUST-001, ...).

        The upsert row-locks the series for its one statement, so two concurrent
        creations never receive the same number.
        """
        async with standalone(self._numbering) as driver:
            taken = await TenantDriver(driver, self.tenant_id).row(TAKE_NEXT, {"series": prefix})
        assert taken is not None, "the upsert always returns the series' new value"
        return series_id(prefix, taken["last_value"], width)

    async def next_ids(self, prefix: str, count: int, width: int = 3) -> list[str]:
        """Take the next `count` numbers of the series `prefix` in one statement (a bank
        statement's payments), in order."""
        return [series_id(prefix, n, width) for n in await self._take(prefix, count)]

    async def next_id_of_block(self, prefix: str, width: int = 3) -> str:
        """`next_id` from the numbers this process holds for the series, taking the next
        `BLOCK` of them in one statement when it holds none (see above)."""
        held = _blocks.setdefault(self._numbering.sync_engine, {})
        block = held.get((self.tenant_id, prefix))
        if block is None:
            block = held[self.tenant_id, prefix] = _Block()
        if not block.numbers:
            async with block.refilling:
                if not block.numbers:
                    block.numbers.extend(await self._take(prefix, BLOCK))
        return series_id(prefix, block.numbers.popleft(), width)

    def give_back_to_block(self, prefix: str, taken_id: str) -> None:
        """Hand `taken_id`, which `next_id_of_block` gave and no record holds (what was
        to hold it wrote nothing, for certain), out again next, rather than leave a
        gap in the series."""
        block = _blocks.get(self._numbering.sync_engine, {}).get((self.tenant_id, prefix))
        if block is not None:
            block.numbers.appendleft(int(taken_id.rsplit("-", 1)[1]))

    async def _take(self, prefix: str, count: int) -> list[int]:
        """The next `count` numbers of the series, in order, taken in one statement."""
        async with standalone(self._numbering) as driver:
            taken = await TenantDriver(driver, self.tenant_id).row(
                TAKE_MANY, {"series": prefix, "count": count}
            )
        assert taken is not None, "the upsert always returns the series' new value"
        last = taken["last_value"]
        return list(range(last - count + 1, last + 1))

    async def next_ids_with_books(
        self, prefix: str, count: int, width: int = 3
    ) -> tuple[list[str], ChartOfAccounts, list[FinancialPeriod]]:
        """`next_ids`, with the tenant's chart of accounts and closed periods (the latest
        first) read by the same statement: what a payment posts against, read as it
        would be at the start of its transaction (READ COMMITTED, nothing locked), in
        the round trip that takes its number."""
        async with standalone(self._numbering) as driver:
            rows = await TenantDriver(driver, self.tenant_id).rows(
                TAKE_MANY_WITH_BOOKS, {"series": prefix, "count": count}
            )
        chart, closed = books_of_rows(rows)
        return series_ids(prefix, rows[0]["last_value"], count, width), chart, closed

    async def next_free_id(
        self, prefix: str, is_taken: Callable[[str], Awaitable[bool]], width: int = 3
    ) -> str:
        """The next id of the series that no record holds yet.

        Records loaded with their own ids (the seeds' `CUST-001`) may sit on numbers the
        series has not reached; those numbers are skipped rather than collided with.
        """
        while True:
            candidate = await self.next_id(prefix, width)
            if not await is_taken(candidate):
                return candidate
