"""Reading the audit trail: every recorded decision about one resource, oldest first."""

from __future__ import annotations

from domain.estimates import AuditRecord
from persistence.unit_of_work import UnitOfWorkFactory


async def audit_trail(
    uow: UnitOfWorkFactory, resource_type: str, resource_id: str
) -> list[AuditRecord]:
    async with uow() as work:
        return await work.audit_trail.for_resource(resource_type.strip().upper(), resource_id)
