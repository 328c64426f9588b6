"""Lists on links as connections: `first`/`after`, `pageInfo`, `totalCount`.

A connection is the one pagination helper's page (`domain.paging.Page`: one row more
than asked says whether another follows, the total is counted only when selected) in
the shape GraphQL clients page through. A cursor is the position of its row in the
list's stable order (newest first, the id breaking ties), so `after` may be any edge's
cursor, not only `endCursor`; a row added meanwhile moves the rows after it by one, as
it would move a page of `pageIndex`/`pageSize`.
"""

from __future__ import annotations

import binascii
from base64 import urlsafe_b64decode, urlsafe_b64encode
from collections.abc import Callable
from typing import Generic, TypeVar

import strawberry

from domain.paging import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    InvalidCursor,
    InvalidPageSize,
    PageRequest,
)
from domain.paging import Page as DomainPage

T = TypeVar("T")
PREFIX = "position:"


def cursor_at(position: int) -> str:
    return urlsafe_b64encode(f"{PREFIX}{position}".encode()).decode()


def position_of(cursor: str) -> int:
    """The position a cursor of ours names; anything else is INVALID_CURSOR."""
    try:
        text = urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    number = text.removeprefix(PREFIX)
    if not text.startswith(PREFIX) or not number.isdigit():
        raise InvalidCursor(f"'{cursor}' is not a cursor of this list.", field="after")
    return int(number)


def connection_request(first: int | None, after: str | None) -> PageRequest:
    """`first` rows (20 unless said, 1..100 else INVALID_PAGE_SIZE) after the cursor."""
    size = DEFAULT_PAGE_SIZE if first is None else first
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise InvalidPageSize(
            f"first must be between 1 and {MAX_PAGE_SIZE}; got {size}.", field="first"
        )
    return PageRequest(page_size=size, skip=0 if after is None else position_of(after) + 1)


@strawberry.type(description="Where a page of a connection stands in its list.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None = strawberry.field(description="Null for an empty page.")
    end_cursor: str | None = strawberry.field(
        description="Send as `after` for the next page; null for an empty page."
    )


@strawberry.type(description="One row of a connection and its cursor.")
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="One page of a list, newest first; page on with `after`.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    page: strawberry.Private[DomainPage]  # type: ignore[type-arg]

    @strawberry.field(description="The page's rows without their cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="All matches across pages; counted only when selected.")
    async def total_count(self) -> int:
        return await self.page.count_total()

    @classmethod
    def of(cls, page: DomainPage, convert: Callable) -> Connection:  # type: ignore[type-arg]
        start = page.request.offset
        edges = [
            Edge(cursor=cursor_at(start + n), node=convert(row)) for n, row in enumerate(page.items)
        ]
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=start > 0,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            page=page,
        )
