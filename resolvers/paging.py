"""The one pagination helper: a page of rows now, the total only if someone asks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import TypeVar

from domain.paging import Page, PageRequest

T = TypeVar("T")
W = TypeVar("W")


async def paged(
    uow: Callable[[], AbstractAsyncContextManager[W]],
    request: PageRequest,
    rows: Callable[[W], Awaitable[list[T]]],
    total: Callable[[W], Awaitable[int]],
) -> Page[T]:
    """`rows` must fetch `page_size + 1` rows (the repositories' `_page_rows` does).

    Any area's units of work serve (`W` is what `uow()` opens, the port's `UnitOfWork`
    or an area's own), so `rows` and `total` may use that area's repositories.
    """
    async with uow() as work:
        found = await rows(work)

    async def count_total() -> int:
        async with uow() as work:
            return await total(work)

    return Page.from_overfetch(found, request, count_total)
