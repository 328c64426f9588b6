"""What the location and pricing use cases ask of their repositories: the port's
locations side (locations, their tax codes and approval policies)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from domain.locations import ApprovalPolicy, Location
from domain.tax import ItemType, TaxCode
from resolvers.changes import Changeable


class LocationStore(Changeable[Location], Protocol):
    """Locations: aggregates changed the one way (`resolvers/changes.py`)."""

    async def exists(self, record_id: str) -> bool: ...

    async def get_many(self, location_ids: Sequence[str]) -> dict[str, Location]: ...

    async def add(self, location: Location) -> None:
        """Store a new location and track it."""
        ...


class TaxCodeStore(Protocol):
    async def for_location(
        self, location_id: str, item_type: ItemType | None = None
    ) -> list[TaxCode]:
        """The location's codes in code order, only those covering `item_type` if given."""
        ...

    async def put(self, tax_code: TaxCode, version: int | None) -> TaxCode:
        """Create the location's code (`version` None), or replace its description, rate
        and item types if it is still at `version`; else VERSION_CONFLICT."""
        ...


class ApprovalPolicyStore(Protocol):
    async def own_and_default(
        self, location_id: str
    ) -> tuple[ApprovalPolicy | None, ApprovalPolicy | None]: ...

    async def put(self, policy: ApprovalPolicy, version: int | None) -> ApprovalPolicy:
        """Set the policy of `policy.location_id` (the tenant default when that is None):
        create it (`version` None), or replace it if still at `version`; else
        VERSION_CONFLICT."""
        ...


class LocationsWork(Protocol):
    @property
    def locations(self) -> LocationStore: ...

    @property
    def tax_codes(self) -> TaxCodeStore: ...

    @property
    def approval_policies(self) -> ApprovalPolicyStore: ...
