"""The audit trail of one tenant: appended in the decision's transaction, never changed."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, insert, select

from domain.estimates import AuditAction, AuditEventType, AuditRecord
from persistence.repositories.base import TenantRepository, of_tenant
from persistence.tables import audit_events

APPEND = insert(audit_events)
OF_RESOURCE = (
    select(audit_events)
    .where(
        of_tenant(audit_events),
        audit_events.c.resource_type == bindparam("resource_type"),
        audit_events.c.resource_id == bindparam("resource_id"),
    )
    .order_by(audit_events.c.position)
)


class AuditTrail(TenantRepository):
    table = audit_events

    async def append(self, records: Sequence[AuditRecord]) -> None:
        if not records:
            return
        await self._run_many(
            APPEND,
            [
                {
                    "audit_event_id": record.audit_event_id,
                    "event_type": record.event_type.value,
                    "resource_type": record.resource_type,
                    "resource_id": record.resource_id,
                    "user_id": record.user_id,
                    "action": record.action.value,
                    "metadata": dict(record.metadata),
                    "occurred_at": record.timestamp,
                }
                for record in records
            ],
        )

    async def for_resource(self, resource_type: str, resource_id: str) -> list[AuditRecord]:
        """Every record about one resource, in the order they were written."""
        rows = await self._rows(OF_RESOURCE, resource_type=resource_type, resource_id=resource_id)
        return [
            AuditRecord(
                event_type=AuditEventType(row["event_type"]),
                resource_id=row["resource_id"],
                user_id=row["user_id"],
                action=AuditAction(row["action"]),
                metadata=row["metadata"],
                timestamp=row["occurred_at"],
                resource_type=row["resource_type"],
                audit_event_id=row["audit_event_id"],
            )
            for row in rows
        ]
