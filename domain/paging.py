"""The seeds' page contract: 0-indexed pages of 1..100 items."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from domain.errors import DomainError

T = TypeVar("T")

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


class InvalidPageSize(DomainError):
    code = "INVALID_PAGE_SIZE"


class InvalidCursor(DomainError):
    code = "INVALID_CURSOR"


@dataclass(frozen=True, slots=True)
class PageRequest:
    page_index: int = 0
    page_size: int = DEFAULT_PAGE_SIZE
    skip: int = 0
    """Rows passed over before page 0: a connection's `after` cursor, which may point at
    any row, not only at the end of a page."""

    def __post_init__(self) -> None:
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise InvalidPageSize(
                f"pageSize must be between 1 and {MAX_PAGE_SIZE}; got {self.page_size}.",
                field="pageSize",
            )
        if self.page_index < 0:
            raise InvalidPageSize(
                f"pageIndex starts at 0 and cannot be negative; got {self.page_index}.",
                field="pageIndex",
            )

    @property
    def offset(self) -> int:
        return self.skip + self.page_index * self.page_size


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of results.

    `has_next_page` comes from fetching one row more than asked; the total is a
    separate count that runs only when a client asks for it, because counting a big
    table costs a full scan.
    """

    items: list[T]
    request: PageRequest
    has_next_page: bool
    count_total: Callable[[], Awaitable[int]]

    @classmethod
    def from_overfetch(
        cls, rows: list[T], request: PageRequest, count_total: Callable[[], Awaitable[int]]
    ) -> Page[T]:
        return cls(
            items=rows[: request.page_size],
            request=request,
            has_next_page=len(rows) > request.page_size,
            count_total=count_total,
        )
