"""The decisions on an estimate: submit, approve, decline, revise.

Each one, in one transaction: the version-checked estimate, its audit records, the
status-changed event (and, for an approval, the quote-approved event) in the outbox.
A decision that fails leaves none of them.
"""

from __future__ import annotations

from domain.clock import Clock
from domain.estimates import (
    ESTIMATE_AGGREGATE,
    ESTIMATE_STATUS_CHANGED,
    Estimate,
    status_changed_payload,
)
from domain.identity import Principal
from domain.locations import policy_for
from persistence.unit_of_work import UnitOfWork, UnitOfWorkFactory
from resolvers.estimates.editing import editable_estimate


async def submit_estimate(
    uow: UnitOfWorkFactory, clock: Clock, by: Principal, estimate_id: str, version: int
) -> Estimate:
    """PENDING_APPROVAL under the location's approval policy (its own, else the default)."""
    async with uow() as work:
        draft = await editable_estimate(work, estimate_id, version)
        own, tenant_default = await work.approval_policies.own_and_default(draft.location_id)
        applied = policy_for(draft.location_id, own, tenant_default)
        now = clock.now()
        previous = draft.status
        draft.submit(applied.policy, by, now)
        return await _decided(work, draft, str(previous), by)


async def approve_estimate(
    uow: UnitOfWorkFactory,
    clock: Clock,
    by: Principal,
    estimate_id: str,
    version: int,
    signature: str | None = None,
) -> Estimate:
    async with uow() as work:
        pending = await editable_estimate(work, estimate_id, version)
        previous = pending.status
        pending.approve(by, clock.now(), signature)
        assert pending.approval is not None
        await work.estimates.save(pending, items_changed=False)  # the race is decided here
        await work.estimates.add_approval(pending.id, pending.approval)
        return await _decided(work, pending, str(previous), by, saved=True)


async def decline_estimate(
    uow: UnitOfWorkFactory,
    clock: Clock,
    by: Principal,
    estimate_id: str,
    version: int,
    reason: str,
) -> Estimate:
    async with uow() as work:
        pending = await editable_estimate(work, estimate_id, version)
        previous = pending.status
        pending.decline(reason, by, clock.now())
        return await _decided(work, pending, str(previous), by)


async def revise_estimate(
    uow: UnitOfWorkFactory, clock: Clock, by: Principal, estimate_id: str, version: int
) -> Estimate:
    """A new DRAFT revision (EST-001-R2, ...); the revised one stays readable as it was."""
    async with uow() as work:
        current = await editable_estimate(work, estimate_id, version)
        draft = current.revise(f"{current.number}-R{current.revision + 1}", by, clock.now())
        await work.estimates.save(current, items_changed=False)
        await work.estimates.add(draft)
        return await _decided(work, draft, None, by, saved=True)


async def _decided(
    work: UnitOfWork, estimate: Estimate, previous: str | None, by: Principal, saved: bool = False
) -> Estimate:
    """Save the decision with its audit trail and events, and commit them together."""
    if not saved:
        await work.estimates.save(estimate, items_changed=False)
    await work.audit_trail.append(estimate.audit_records)
    now = estimate.audit_records[-1].timestamp
    work.record(
        ESTIMATE_STATUS_CHANGED,
        ESTIMATE_AGGREGATE,
        estimate.id,
        status_changed_payload(estimate, previous, by, now),
        now,
    )
    for event in estimate.events:
        work.record(event.event_type, event.aggregate_type, event.aggregate_id, event.payload, now)
    await work.commit()
    estimate.audit_records.clear()
    estimate.events.clear()
    return estimate
