"""An audit event as the audit domain's contract names it (seed 001)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from domain.estimates import AuditRecord
from schema.plain_json import plain_json


@strawberry.type(description="One immutable record of a decision about a resource.")
class AuditEvent:
    event_type: str
    resource_type: str
    resource_id: strawberry.ID
    user_id: str
    action: str
    metadata: JSON
    timestamp: datetime

    @classmethod
    def from_domain(cls, record: AuditRecord) -> AuditEvent:
        payload = record.to_payload()
        return cls(
            event_type=payload["eventType"],
            resource_type=payload["resourceType"],
            resource_id=strawberry.ID(record.resource_id),
            user_id=record.user_id,
            action=payload["action"],
            metadata=plain_json(payload["metadata"]),
            timestamp=record.timestamp,
        )
