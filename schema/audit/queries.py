"""`auditTrail`: who submitted, approved, declined or revised a resource, and when."""

from __future__ import annotations

import strawberry

from domain.identity import Permission
from resolvers.estimates import audit as use_cases
from schema.audit.types import AuditEvent
from schema.context import Info
from schema.permissions import requires


@strawberry.type
class AuditQueries:
    @strawberry.field(
        description="Every audit event of one resource (resourceType ESTIMATE), oldest first.",
        permission_classes=[requires(Permission.AUDIT_READ)],
    )
    async def audit_trail(
        self, info: Info, resource_type: str, resource_id: strawberry.ID
    ) -> list[AuditEvent]:
        found = await use_cases.audit_trail(info.context.uow, resource_type, resource_id)
        return [AuditEvent.from_domain(r) for r in found]
