"""An audit event as the audit domain's contract names it (seed 001)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from domain.estimates import AuditRecord
from schema.plain_json import plain_json


@strawberry.type(description="One immutable record of a decision about a resource.")
class AuditEvent:
    audit_event_id: strawberry.ID
    event_type: str
    resource_type: str
    resource_id: strawberry.ID
    user_id: str
    action: str
    metadata: JSON
    timestamp: datetime

    @classmethod
    def from_domain(cls, record: AuditRecord) -> AuditEvent:
        return cls(
            audit_event_id=strawberry.ID(record.audit_event_id),
            event_type=record.event_type.value,
            resource_type=record.resource_type,
            resource_id=strawberry.ID(record.resource_id),
            user_id=record.user_id,
            action=record.action.value,
            metadata=plain_json(dict(record.metadata)),
            timestamp=record.timestamp,
        )
