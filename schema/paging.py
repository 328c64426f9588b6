"""The seeds' page shape `{ items pageIndex pageSize totalCount hasNextPage }`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

import strawberry

from domain.paging import DEFAULT_PAGE_SIZE, PageRequest
from domain.paging import Page as DomainPage

T = TypeVar("T")


@strawberry.type(description="One page of results; pages are 0-indexed.")
class Page(Generic[T]):
    items: list[T]
    page_index: int
    page_size: int
    has_next_page: bool
    count_total: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="All matches across pages; counted only when selected.")
    async def total_count(self) -> int:
        return await self.count_total()

    @classmethod
    def of(cls, page: DomainPage, convert: Callable) -> Page:  # type: ignore[type-arg]
        return cls(
            items=[convert(item) for item in page.items],
            page_index=page.request.page_index,
            page_size=page.request.page_size,
            has_next_page=page.has_next_page,
            count_total=page.count_total,
        )


def page_request(page_index: int | None, page_size: int | None) -> PageRequest:
    """Defaults of the seeds (page 0, 20 items); out-of-range values are INVALID_PAGE_SIZE."""
    return PageRequest(
        page_index=0 if page_index is None else page_index,
        page_size=DEFAULT_PAGE_SIZE if page_size is None else page_size,
    )
