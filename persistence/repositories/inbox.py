"""The inbox: which events from other systems a consumer has already applied.

`claim` runs first in the handler's transaction: it inserts (consumer, event id) or,
if that row exists, reports a duplicate. Because the row commits or rolls back with the
handler's effect, an event is applied exactly once however often it is delivered; two
replicas handling the same event at once serialize on the primary key, and the second
sees a duplicate.
"""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as upsert

from persistence.repositories.base import TenantRepository
from persistence.tables import inbox

CLAIM = (
    upsert(inbox)
    .on_conflict_do_nothing(index_elements=["consumer", "event_id"])
    .returning(inbox.c.event_id)
)


class InboxRepository(TenantRepository):
    table = inbox

    async def claim(self, consumer: str, event_id: str, topic: str, event_type: str) -> bool:
        """Record the event as handled by `consumer`; False if it already was."""
        claimed = await self._row(
            CLAIM,
            consumer=consumer,
            event_id=event_id,
            topic=topic,
            event_type=event_type,
            outcome="handled",
        )
        return claimed is not None
