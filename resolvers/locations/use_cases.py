"""Location use cases: set up a shop location and the approval policy its estimates use."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.locations import (
    AppliedApprovalPolicy,
    ApprovalPolicy,
    Location,
    LocationNotFound,
    policy_for,
)
from resolvers.identifiers import id_for_new
from resolvers.ports import UnitOfWork, UnitOfWorkFactory


async def location(uow: UnitOfWorkFactory, location_id: str) -> Location:
    async with uow() as work:
        return await existing_location(work, location_id)


async def create_location(uow: UnitOfWorkFactory, fields: Mapping[str, Any]) -> Location:
    async with uow() as work:
        location_id = await id_for_new(
            work, fields.get("id"), "LOC", work.locations.exists, "Location", "locationId"
        )
        draft = Location(**{**fields, "id": location_id})
        created = await work.locations.add(draft)
        await work.commit()
        return created


async def update_location(
    uow: UnitOfWorkFactory, location_id: str, version: int | None, changes: Mapping[str, Any]
) -> Location:
    async with uow() as work:
        current = await existing_location(work, location_id)
        edited = current.with_changes(**changes, version=version or current.version)
        saved = await work.locations.update(edited)
        await work.commit()
        return saved


async def approval_policy(uow: UnitOfWorkFactory, location_id: str) -> AppliedApprovalPolicy:
    async with uow() as work:
        await existing_location(work, location_id)
        own, tenant_default = await work.approval_policies.own_and_default(location_id)
    return policy_for(location_id, own, tenant_default)


async def set_approval_policy(uow: UnitOfWorkFactory, fields: Mapping[str, Any]) -> ApprovalPolicy:
    """Set one location's policy, or with no location the default every other one uses."""
    async with uow() as work:
        draft = ApprovalPolicy(**fields)
        if draft.location_id is not None:
            await existing_location(work, draft.location_id)
        saved = await work.approval_policies.put(draft)
        await work.commit()
        return saved


async def existing_location(work: UnitOfWork, location_id: str) -> Location:
    found = await work.locations.get(location_id)
    if found is None:
        raise no_location(location_id)
    return found


def no_location(location_id: str) -> LocationNotFound:
    return LocationNotFound(f"Location '{location_id}' was not found.", field="locationId")
