"""In-memory locations, tax codes and approval policies: the fake side of
`resolvers/locations/ports.py`."""

from __future__ import annotations

from domain.errors import VersionConflict
from domain.locations import ApprovalPolicy, Location
from domain.tax import ItemType, TaxCode
from tests.use_cases.fakes.memory import Records, Repository


class InMemoryLocations(Records[Location]):
    table = "locations"

    async def get(self, location_id: str) -> Location | None:
        return self._work.read(self.table, location_id)

    async def add(self, location: Location) -> Location:
        return self._insert(location.id, location)

    async def update(self, location: Location) -> Location:
        return self._update(
            location.id,
            location,
            lambda: VersionConflict(
                f"Location '{location.id}' was changed by someone else (you edited version "
                f"{location.version}); reload it and apply your change again."
            ),
        )


class InMemoryTaxCodes(Records[TaxCode]):
    """Keyed by (location, code), as the real table's unique index is."""

    table = "tax_codes"

    async def for_location(
        self, location_id: str, item_type: ItemType | None = None
    ) -> list[TaxCode]:
        found = [
            code
            for code in self._work.rows(self.table)
            if code.location_id == location_id and (item_type is None or code.applies_to(item_type))
        ]
        return sorted(found, key=lambda code: code.code)

    async def put(self, tax_code: TaxCode) -> TaxCode:
        return self._upsert((tax_code.location_id, tax_code.code), tax_code)


class InMemoryApprovalPolicies(Records[ApprovalPolicy]):
    """Keyed by location, None for the tenant default: at most one of each, as the
    real table's partial unique indexes keep it."""

    table = "approval_policies"

    async def own_and_default(
        self, location_id: str
    ) -> tuple[ApprovalPolicy | None, ApprovalPolicy | None]:
        return self._work.read(self.table, location_id), self._work.read(self.table, None)

    async def put(self, policy: ApprovalPolicy) -> ApprovalPolicy:
        return self._upsert(policy.location_id, policy)


class LocationsWork:
    locations = Repository(InMemoryLocations)
    tax_codes = Repository(InMemoryTaxCodes)
    approval_policies = Repository(InMemoryApprovalPolicies)
