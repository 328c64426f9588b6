"""The decisions on an estimate: submit, approve, decline, revise.

Each one, in one transaction: the version-checked estimate, its audit records, its
approval, and the events it recorded (the status change; for an approval, the approved
quote) in the outbox. A decision that fails leaves none of them.
"""

from __future__ import annotations

from domain.clock import Clock
from domain.estimates import Estimate
from domain.identity import Principal
from domain.locations import policy_for
from resolvers.changes import changing
from resolvers.ports import UnitOfWorkFactory
from resolvers.receivables.credit_control import customer_may_get_new_work


async def submit_estimate(
    uow: UnitOfWorkFactory, clock: Clock, by: Principal, estimate_id: str, version: int
) -> Estimate:
    """PENDING_APPROVAL under the location's approval policy (its own, else the default)."""
    async with uow() as work:
        async with changing(work.estimates, estimate_id, version) as draft:
            own, tenant_default = await work.approval_policies.own_and_default(draft.location_id)
            draft.submit(policy_for(draft.location_id, own, tenant_default).policy, by, clock.now())
        await work.commit()
        return draft


async def approve_estimate(
    uow: UnitOfWorkFactory,
    clock: Clock,
    by: Principal,
    estimate_id: str,
    version: int,
    signature: str | None = None,
) -> Estimate:
    async with uow() as work:
        async with changing(work.estimates, estimate_id, version) as pending:
            await customer_may_get_new_work(work, pending.customer_id)
            pending.approve(by, clock.now(), signature)
        await work.commit()
        return pending


async def decline_estimate(
    uow: UnitOfWorkFactory,
    clock: Clock,
    by: Principal,
    estimate_id: str,
    version: int,
    reason: str,
) -> Estimate:
    async with uow() as work:
        async with changing(work.estimates, estimate_id, version) as pending:
            pending.decline(reason, by, clock.now())
        await work.commit()
        return pending


async def revise_estimate(
    uow: UnitOfWorkFactory, clock: Clock, by: Principal, estimate_id: str, version: int
) -> Estimate:
    """A new DRAFT revision (EST-001-R2, ...); the revised one stays readable as it was."""
    async with uow() as work:
        async with changing(work.estimates, estimate_id, version) as current:
            draft = current.revise(f"{current.number}-R{current.revision + 1}", by, clock.now())
            await work.estimates.add(draft)
        await work.commit()
        return draft
