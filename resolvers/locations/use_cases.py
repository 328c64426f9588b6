"""Location use cases: set up a shop location and the approval policy its estimates use."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from domain.locations import AppliedApprovalPolicy, ApprovalPolicy, Location, policy_for
from resolvers.changes import changing, existing
from resolvers.identifiers import id_for_new
from resolvers.ports import UnitOfWorkFactory


async def location(uow: UnitOfWorkFactory, location_id: str) -> Location:
    async with uow() as work:
        return await existing(work.locations, location_id)


async def locations_by_id(uow: UnitOfWorkFactory, ids: Sequence[str]) -> list[Location | None]:
    """Batch for the location links of estimates and orders: one statement per request."""
    async with uow() as work:
        found = await work.locations.get_many(ids)
    return [found.get(i) for i in ids]


async def create_location(uow: UnitOfWorkFactory, fields: Mapping[str, Any]) -> Location:
    async with uow() as work:
        location_id = await id_for_new(
            work, fields.get("id"), "LOC", work.locations.exists, "Location", "locationId"
        )
        created = Location(**{**fields, "id": location_id})
        await work.locations.add(created)
        await work.commit()
        return created


async def update_location(
    uow: UnitOfWorkFactory, location_id: str, version: int, changes: Mapping[str, Any]
) -> Location:
    async with uow() as work:
        async with changing(work.locations, location_id, version) as edited:
            edited.edit(**changes)
        await work.commit()
        return edited


async def approval_policy(uow: UnitOfWorkFactory, location_id: str) -> AppliedApprovalPolicy:
    async with uow() as work:
        await existing(work.locations, location_id)
        own, tenant_default = await work.approval_policies.own_and_default(location_id)
    return policy_for(location_id, own, tenant_default)


async def set_approval_policy(
    uow: UnitOfWorkFactory, fields: Mapping[str, Any], version: int | None
) -> ApprovalPolicy:
    """Set one location's policy, or with no location the default every other one uses:
    a new one without a version, an existing one at the version the administrator read."""
    async with uow() as work:
        draft = ApprovalPolicy(**fields)
        if draft.location_id is not None:
            await existing(work.locations, draft.location_id)
        saved = await work.approval_policies.put(draft, version)
        await work.commit()
        return saved
