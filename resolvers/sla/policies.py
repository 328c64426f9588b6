"""The SLA a tenant promises per priority: read every policy, set one."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from domain.errors import InvalidInput
from domain.service_orders.intake import check_priority
from domain.service_orders.sla import DEFAULT_AT_RISK_SHARE, SlaPolicy
from domain.service_orders.status import Priority
from resolvers.ports import UnitOfWorkFactory

SHARE_PLACES = Decimal("0.001")


async def sla_policies(uow: UnitOfWorkFactory) -> dict[Priority, SlaPolicy]:
    """Every priority's policy, the tenant's own or the default."""
    async with uow() as work:
        return await work.sla_policies.all()


async def set_sla_policy(
    uow: UnitOfWorkFactory,
    priority: str,
    response_minutes: int,
    resolution_minutes: int,
    at_risk_share: Decimal | None = None,
) -> SlaPolicy:
    """Set one priority's targets; orders created from now on are held to them."""
    problem = check_priority(priority)
    if problem:
        raise problem
    share = at_risk_share
    if share is not None and share.is_finite() and share != share.quantize(SHARE_PLACES):
        raise InvalidInput(
            f"The at-risk share has at most three decimal places, e.g. 0.875; got {at_risk_share}.",
            field="atRiskShare",
        )
    policy = SlaPolicy(
        response_within=timedelta(minutes=response_minutes),
        resolution_within=timedelta(minutes=resolution_minutes),
        at_risk_share=DEFAULT_AT_RISK_SHARE if at_risk_share is None else at_risk_share,
    )
    async with uow() as work:
        await work.sla_policies.put(Priority(priority), policy)
        await work.commit()
    return policy
