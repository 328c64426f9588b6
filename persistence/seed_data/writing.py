"""Bulk writes for seeding: chunked Core inserts and naming-series bookkeeping.

Seeded records carry their own ids, so the tenant's naming series must be moved past
them; otherwise the first record a clerk creates afterwards would be handed a taken id.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from persistence.tables import naming_series

CHUNK_ROWS = 5000


def _chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


async def insert_rows(
    connection: AsyncConnection,
    table: Table,
    rows: Iterable[dict[str, Any]],
    *,
    skip_existing: bool = False,
) -> int:
    """Insert `rows` a chunk at a time (one multi-row statement each); return how many."""
    statement = insert(table)
    if skip_existing:
        statement = statement.on_conflict_do_nothing()
    written = 0
    for chunk in _chunks(rows, CHUNK_ROWS):
        await connection.execute(statement, chunk)
        written += len(chunk)
    return written


async def highest_number(
    connection: AsyncConnection, table: Table, tenant: str, prefix: str
) -> int:
    """The highest number among this tenant's ids shaped `PREFIX-<digits>`, or 0."""
    number = func.substring(table.c.id, f"^{prefix}-([0-9]+)$")
    statement = select(
        func.coalesce(func.max(func.cast(number, naming_series.c.last_value.type)), 0)
    )
    statement = statement.where(table.c.tenant_id == tenant)
    return int((await connection.execute(statement)).scalar_one())


async def reserve_numbers(
    connection: AsyncConnection, table: Table, tenant: str, prefix: str, count: int
) -> int:
    """Take `count` consecutive numbers of the series `prefix`; return the first.

    Starts after both the series and the ids already present, so seeding twice into one
    tenant (or into one that already holds the demo data) adds records instead of clashing.
    """
    current = (
        await connection.execute(
            select(naming_series.c.last_value).where(
                naming_series.c.tenant_id == tenant, naming_series.c.series == prefix
            )
        )
    ).scalar_one_or_none() or 0
    first = max(current, await highest_number(connection, table, tenant, prefix)) + 1
    await advance_series(connection, tenant, prefix, first + count - 1)
    return first


async def advance_series(connection: AsyncConnection, tenant: str, prefix: str, value: int) -> None:
    """Make sure the series `prefix` hands out numbers above `value` from now on."""
    statement = insert(naming_series).values(tenant_id=tenant, series=prefix, last_value=value)
    statement = statement.on_conflict_do_update(
        index_elements=[naming_series.c.tenant_id, naming_series.c.series],
        set_={
            "last_value": func.greatest(naming_series.c.last_value, statement.excluded.last_value)
        },
    )
    await connection.execute(statement)
