"""The one pagination helper: a page of rows now, the total only if someone asks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from domain.paging import Page, PageRequest
from persistence.unit_of_work import UnitOfWork, UnitOfWorkFactory

T = TypeVar("T")


async def paged(
    uow: UnitOfWorkFactory,
    request: PageRequest,
    rows: Callable[[UnitOfWork], Awaitable[list[T]]],
    total: Callable[[UnitOfWork], Awaitable[int]],
) -> Page[T]:
    """`rows` must fetch `page_size + 1` rows (the repositories' `_page_rows` does)."""
    async with uow() as work:
        found = await rows(work)

    async def count_total() -> int:
        async with uow() as work:
            return await total(work)

    return Page.from_overfetch(found, request, count_total)
