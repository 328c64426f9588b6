"""Idempotency keys of one tenant: claim before running a mutation, keep its response.

`claim` is one INSERT ... ON CONFLICT: it takes a new key, or an expired one back, or
returns the row that holds it. Two requests with the same key race on the primary key;
exactly one claims it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Interval, bindparam, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as upsert

from persistence.repositories.base import TenantRepository, of_tenant
from persistence.tables import idempotency_keys

IN_PROGRESS = "IN_PROGRESS"
COMPLETED = "COMPLETED"
HOLDER = select(
    idempotency_keys.c.fingerprint,
    idempotency_keys.c.status,
    idempotency_keys.c.response_status,
    idempotency_keys.c.response_body,
).where(of_tenant(idempotency_keys), idempotency_keys.c.key == bindparam("key"))
COMPLETE = (
    update(idempotency_keys)
    .where(of_tenant(idempotency_keys), idempotency_keys.c.key == bindparam("held_key"))
    .values(
        status=COMPLETED,
        response_status=bindparam("response_status"),
        response_body=bindparam("response_body"),
    )
)
_CLAIMED = {
    "fingerprint": bindparam("fingerprint"),
    "status": IN_PROGRESS,
    "response_status": None,
    "response_body": None,
    "created_at": func.now(),
    "expires_at": func.now() + bindparam("ttl", type_=Interval),
}
CLAIM = (
    upsert(idempotency_keys)
    .values(key=bindparam("key"), **_CLAIMED)
    .on_conflict_do_update(
        index_elements=["tenant_id", "key"],
        set_=_CLAIMED,
        where=idempotency_keys.c.expires_at <= func.now(),
    )
    .returning(idempotency_keys.c.key)
)
"""Takes a new key, or an expired one back; returns nothing if a live claim holds it."""
RELEASE = delete(idempotency_keys).where(
    of_tenant(idempotency_keys), idempotency_keys.c.key == bindparam("key")
)


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
        while True:
            if await self._row(CLAIM, key=key, fingerprint=fingerprint, ttl=ttl) is not None:
                return None
            row = await self._row(HOLDER, key=key)
            if row is not None:  # else released in between: claim it again
                return HeldKey(
                    row["fingerprint"], row["status"], row["response_status"], row["response_body"]
                )

    async def complete(self, key: str, response_status: int, response_body: str) -> None:
        await self._run(
            COMPLETE, held_key=key, response_status=response_status, response_body=response_body
        )

    async def release(self, key: str) -> None:
        """Forget a claim whose request changed nothing, so the client may retry it."""
        await self._run(RELEASE, key=key)
