"""Readable ids from per-tenant naming series."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import bindparam
from sqlalchemy.dialects.postgresql import insert

from persistence.repositories.base import TenantRepository
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


class NamingSeries(TenantRepository):
    table = naming_series

    async def next_id(self, prefix: str, width: int = 3) -> str:
        """Take the next number of the series `prefix` for this tenant (CUST-001, ...).

        The upsert row-locks the series until the transaction ends, so two concurrent
        creations never receive the same number.
        """
        number = (await self._run(TAKE_NEXT, series=prefix)).scalar_one()
        return f"{prefix}-{number:0{width}d}"

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
