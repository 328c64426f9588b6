"""In-memory locations, tax codes and approval policies: the fake side of
`resolvers/locations/ports.py`."""

from __future__ import annotations

from collections.abc import Sequence

from domain.errors import DomainError
from domain.locations import ApprovalPolicy, Location, no_location, policy_conflict
from domain.tax import ItemType, TaxCode, tax_code_conflict
from tests.use_cases.fakes.memory import Aggregates, Records, Repository


class InMemoryLocations(Aggregates[Location]):
    table = "locations"
    noun = "Location"
    kind = Location

    def not_found(self, aggregate_id: str) -> DomainError:
        return no_location(aggregate_id)

    async def get_many(self, location_ids: Sequence[str]) -> dict[str, Location]:
        found = [await self.get(i) for i in location_ids]
        return {location.id: location for location in found if location is not None}


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

    async def put(self, tax_code: TaxCode, version: int | None) -> TaxCode:
        return self._put(
            (tax_code.location_id, tax_code.code),
            tax_code,
            version,
            lambda: tax_code_conflict(tax_code.location_id, tax_code.code, version),
        )


class InMemoryApprovalPolicies(Records[ApprovalPolicy]):
    """Keyed by location, None for the tenant default: at most one of each, as the
    real table's partial unique indexes keep it."""

    table = "approval_policies"

    async def own_and_default(
        self, location_id: str
    ) -> tuple[ApprovalPolicy | None, ApprovalPolicy | None]:
        return self._work.read(self.table, location_id), self._work.read(self.table, None)

    async def put(self, policy: ApprovalPolicy, version: int | None) -> ApprovalPolicy:
        return self._put(
            policy.location_id,
            policy,
            version,
            lambda: policy_conflict(policy.location_id, version),
        )


class LocationsWork:
    locations = Repository(InMemoryLocations)
    tax_codes = Repository(InMemoryTaxCodes)
    approval_policies = Repository(InMemoryApprovalPolicies)
