"""A tenant's SLA policy per priority; priorities it never set run on the defaults."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects.postgresql import insert as upsert

from domain.service_orders.sla import DEFAULT_POLICIES, SlaPolicy
from domain.service_orders.status import Priority
from persistence.repositories.base import TenantRepository, of_tenant
from persistence.tables import sla_policies

MINUTE = timedelta(minutes=1)
P = sla_policies.c
ALL = select(sla_policies).where(of_tenant(sla_policies))
FOR_PRIORITY = ALL.where(P.priority == bindparam("priority"))


def _policy(row: Mapping[str, Any]) -> SlaPolicy:
    return SlaPolicy(
        response_within=row["response_minutes"] * MINUTE,
        resolution_within=row["resolution_minutes"] * MINUTE,
        at_risk_share=row["at_risk_share"].normalize(),
    )


class SlaPolicyRepository(TenantRepository):
    table = sla_policies

    async def all(self) -> dict[Priority, SlaPolicy]:
        """Every priority's policy: the tenant's own where set, else the default."""
        own = {Priority(row["priority"]): _policy(row) for row in await self._rows(ALL)}
        return {priority: own.get(priority, DEFAULT_POLICIES[priority]) for priority in Priority}

    async def for_priority(self, priority: Priority) -> SlaPolicy:
        row = await self._row(FOR_PRIORITY, priority=priority.value)
        return _policy(row) if row else DEFAULT_POLICIES[priority]

    async def put(self, priority: Priority, policy: SlaPolicy) -> None:
        """Set the priority's policy; orders created from now on are held to it."""
        values = {
            "response_minutes": policy.response_within // MINUTE,
            "resolution_minutes": policy.resolution_within // MINUTE,
            "at_risk_share": policy.at_risk_share,
        }
        statement = (
            upsert(sla_policies)
            .values(priority=priority.value, **values)
            .on_conflict_do_update(
                index_elements=[P.tenant_id, P.priority],
                set_={**values, "version": P.version + 1, "updated_at": func.now()},
            )
        )
        await self._run(statement)
