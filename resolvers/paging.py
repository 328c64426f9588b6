"""The one pagination helper: a page of rows now, the total only if someone asks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import TypeVar

from domain.paging import Page, PageRequest

T = TypeVar("T")
W = TypeVar("W")
G = TypeVar("G", bound=Hashable)


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


async def per_parent(
    keys: Sequence[tuple[G, str]],
    fetch: Callable[[G, list[str]], Awaitable[dict[str, T]]],
) -> list[T]:
    """Answer a DataLoader's `(arguments, parent id)` keys with one `fetch` per distinct
    arguments: the parents asked with the same page and filter share a statement, so a
    list of 50 customers each with its first 5 estimates asks once, not 50 times."""
    found: dict[tuple[G, str], T] = {}
    for arguments in dict.fromkeys(asked for asked, _ in keys):
        parents = list(dict.fromkeys(parent for asked, parent in keys if asked == arguments))
        for parent, value in (await fetch(arguments, parents)).items():
            found[(arguments, parent)] = value
    return [found[key] for key in keys]
