"""Idempotency keys of one tenant: claim before running a mutation, keep its response.

`claim` is one INSERT ... ON CONFLICT: it takes a new key, or an expired one back, or
returns the row that holds it. Two requests with the same key race on the primary key;
exactly one claims it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as upsert

from persistence.repositories.base import TenantRepository
from persistence.tables import idempotency_keys

IN_PROGRESS = "IN_PROGRESS"
COMPLETED = "COMPLETED"


@dataclass(frozen=True, slots=True)
class HeldKey:
    """The request a key was first used for, and its response once it finished."""

    fingerprint: str
    status: str
    response_status: int | None
    response_body: str | None


class IdempotencyKeys(TenantRepository):
    table = idempotency_keys

    async def claim(self, key: str, fingerprint: str, ttl: timedelta) -> HeldKey | None:
        """None if this request now holds `key`; else the live row that already holds it."""
        values = {
            "fingerprint": fingerprint,
            "status": IN_PROGRESS,
            "response_status": None,
            "response_body": None,
            "created_at": func.now(),
            "expires_at": func.now() + ttl,
        }
        statement = upsert(idempotency_keys).values(tenant_id=self.tenant_id, key=key, **values)
        while True:
            claimed = await self._connection.execute(
                statement.on_conflict_do_update(
                    index_elements=["tenant_id", "key"],
                    set_=values,
                    where=idempotency_keys.c.expires_at <= func.now(),
                ).returning(idempotency_keys.c.key)
            )
            if claimed.first() is not None:
                return None
            row = (
                await self._connection.execute(
                    select(
                        idempotency_keys.c.fingerprint,
                        idempotency_keys.c.status,
                        idempotency_keys.c.response_status,
                        idempotency_keys.c.response_body,
                    ).where(self._mine(), idempotency_keys.c.key == key)
                )
            ).first()
            if row is not None:  # else released in between: claim it again
                return HeldKey(row.fingerprint, row.status, row.response_status, row.response_body)

    async def complete(self, key: str, response_status: int, response_body: str) -> None:
        await self._connection.execute(
            update(idempotency_keys)
            .where(self._mine(), idempotency_keys.c.key == key)
            .values(status=COMPLETED, response_status=response_status, response_body=response_body)
        )

    async def release(self, key: str) -> None:
        """Forget a claim whose request changed nothing, so the client may retry it."""
        await self._connection.execute(
            delete(idempotency_keys).where(self._mine(), idempotency_keys.c.key == key)
        )
