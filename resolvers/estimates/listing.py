"""Lists of estimates: the root's filtered pages, and each customer's, vehicle's or
location's page through the request's DataLoaders."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain.estimates import Estimate
from domain.estimates.search import EstimateFilter
from domain.paging import Page, PageRequest
from domain.work_parties import WorkParty
from resolvers.paging import paged, per_parent
from resolvers.ports import UnitOfWorkFactory

PagesAsked = tuple[WorkParty, EstimateFilter, PageRequest]
CountAsked = tuple[WorkParty, EstimateFilter]


async def estimates(
    uow: UnitOfWorkFactory, where: EstimateFilter, at: datetime, request: PageRequest
) -> Page[Estimate]:
    """Revisions newest first, with statuses as seen at `at`."""
    return await paged(
        uow,
        request,
        rows=lambda work: work.estimates.search(where, at, request),
        total=lambda work: work.estimates.count(where, at),
    )


async def estimate_pages(
    uow: UnitOfWorkFactory, at: datetime, keys: Sequence[tuple[PagesAsked, str]]
) -> list[list[Estimate]]:
    """Batch for `Customer.estimates`, `Vehicle.estimates` and `Location.estimates`: one
    page (and one revision more) per key, two statements per distinct page and filter."""
    async with uow() as work:
        return await per_parent(
            keys,
            lambda asked, ids: work.estimates.pages_of(asked[0], ids, asked[1], at, asked[2]),
        )


async def estimate_counts(
    uow: UnitOfWorkFactory, at: datetime, keys: Sequence[tuple[CountAsked, str]]
) -> list[int]:
    """Batch for those lists' `totalCount`: one statement per distinct filter."""
    async with uow() as work:
        return await per_parent(
            keys, lambda asked, ids: work.estimates.counts_of(asked[0], ids, asked[1], at)
        )


async def revisions_by_number(
    uow: UnitOfWorkFactory, numbers: Sequence[str]
) -> list[list[Estimate]]:
    """Batch for `Estimate.revisions`: every revision of each number, in one statement."""
    async with uow() as work:
        found = await work.estimates.revisions_of(numbers)
    return [found[number] for number in numbers]
