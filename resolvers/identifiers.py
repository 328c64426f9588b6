"""Ids of new records: the one the client chose if it is free, else the next of the series."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from domain.errors import DuplicateId
from resolvers.ports import UnitOfWork


async def id_for_new(
    work: UnitOfWork,
    chosen: str | None,
    series: str,
    is_taken: Callable[[str], Awaitable[bool]],
    kind: str,
    field: str,
) -> str:
    """A taken chosen id is DUPLICATE_ID on `field`; none chosen takes the next free number."""
    if not chosen:
        return await work.naming.next_free_id(series, is_taken)
    if await is_taken(chosen):
        raise DuplicateId(kind, chosen, field)
    return chosen
