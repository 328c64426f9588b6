"""The audit trail of estimate decisions: who submitted, approved, declined or revised.

Records are immutable values the aggregate appends as it decides; its repository writes
them to the `audit_events` table in the transaction of the decision, so a decision and
its audit record are never one without the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from domain.events import new_event_id

ESTIMATE_RESOURCE = "ESTIMATE"


class AuditEventType(StrEnum):
    ESTIMATE_SUBMITTED = "ESTIMATE_SUBMITTED"
    ESTIMATE_APPROVED = "ESTIMATE_APPROVED"
    ESTIMATE_DECLINED = "ESTIMATE_DECLINED"
    ESTIMATE_REVISED = "ESTIMATE_REVISED"


class AuditAction(StrEnum):
    SUBMIT = "SUBMIT"
    APPROVE = "APPROVE"
    DECLINE = "DECLINE"
    REVISE = "REVISE"


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One decision about one resource; `metadata` is read-only once recorded."""

    event_type: AuditEventType
    resource_id: str
    user_id: str
    action: AuditAction
    metadata: Mapping[str, Any]
    timestamp: datetime
    resource_type: str = ESTIMATE_RESOURCE
    audit_event_id: str = field(default_factory=new_event_id)

    def __post_init__(self) -> None:
        object.__setattr__(self, "metadata", MappingProxyType(dict(self.metadata)))
