"""Locations, their tax codes and approval policies, for one tenant.

A location is an aggregate (`AggregateRepository`): a use case edits one it loaded and
the unit of work saves it at commit with a version-checked UPDATE.

Tax codes and approval policies are configuration, set whole (`put`) under their natural
key (location and code; location or none for the default) with the version the
administrator read: none creates one (and is VERSION_CONFLICT if one exists meanwhile),
a version replaces that version only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import String, any_, bindparam, insert, select
from sqlalchemy.dialects.postgresql import insert as upsert

from domain.errors import DomainError
from domain.locations import ApprovalPolicy, Location, no_location, policy_conflict
from domain.tax import ItemType, TaxCode, tax_code_conflict
from persistence.repositories.aggregates import AggregateRepository
from persistence.repositories.base import (
    TenantRepository,
    of_tenant,
    one_of_param,
    take_written,
    versioned_update,
)
from persistence.tables import approval_policies, locations, tax_codes

LOCATION_COLUMNS = [
    locations.c.id,
    locations.c.name,
    locations.c.currency_uom_id,
    locations.c.time_zone,
    locations.c.version,
    locations.c.created_at,
    locations.c.updated_at,
]
TAX_CODE_COLUMNS = [
    tax_codes.c.location_id,
    tax_codes.c.tax_code.label("code"),
    tax_codes.c.description,
    tax_codes.c.rate,
    tax_codes.c.applicable_item_types,
    tax_codes.c.version,
    tax_codes.c.created_at,
    tax_codes.c.updated_at,
]
POLICY_COLUMNS = [
    approval_policies.c.location_id,
    approval_policies.c.approval_method,
    approval_policies.c.require_signature,
    approval_policies.c.legal_terms_text,
    approval_policies.c.legal_terms_version,
    approval_policies.c.expires_in_days,
    approval_policies.c.version,
    approval_policies.c.created_at,
    approval_policies.c.updated_at,
]
LOCATION_BY_ID = select(*LOCATION_COLUMNS).where(
    of_tenant(locations), locations.c.id == bindparam("id")
)
LOCATIONS_BY_ID = select(*LOCATION_COLUMNS).where(
    of_tenant(locations), one_of_param(locations.c.id, "ids")
)
TAX_CODES_OF_LOCATION = (
    select(*TAX_CODE_COLUMNS)
    .where(of_tenant(tax_codes), tax_codes.c.location_id == bindparam("location_id"))
    .order_by(tax_codes.c.tax_code)
)
TAX_CODES_OF_LOCATION_FOR = TAX_CODES_OF_LOCATION.where(
    bindparam("item_type") == any_(tax_codes.c.applicable_item_types)
)
POLICIES_OF_LOCATION_AND_DEFAULT = select(*POLICY_COLUMNS).where(
    of_tenant(approval_policies),
    (approval_policies.c.location_id == bindparam("location_id"))
    | approval_policies.c.location_id.is_(None),
)
ADD_TAX_CODE = (
    upsert(tax_codes)
    .on_conflict_do_nothing(
        index_elements=[tax_codes.c.tenant_id, tax_codes.c.location_id, tax_codes.c.tax_code]
    )
    .returning(*TAX_CODE_COLUMNS)
)
SAVE_TAX_CODE = versioned_update(
    tax_codes,
    ("description", "rate", "applicable_item_types"),
    tax_codes.c.location_id == bindparam("key_location"),
    tax_codes.c.tax_code == bindparam("key_code"),
).returning(*TAX_CODE_COLUMNS)
POLICY_SETTINGS = (
    "approval_method",
    "require_signature",
    "legal_terms_text",
    "legal_terms_version",
    "expires_in_days",
)
ADD_POLICY = upsert(approval_policies).on_conflict_do_nothing().returning(*POLICY_COLUMNS)
"""Refused (no row) by either partial unique index: one policy per location, one default."""
SAVE_POLICY = versioned_update(
    approval_policies,
    POLICY_SETTINGS,
    approval_policies.c.location_id.is_not_distinct_from(bindparam("key_location", type_=String)),
).returning(*POLICY_COLUMNS)
LOCATION_AS_WRITTEN = (locations.c.version, locations.c.created_at, locations.c.updated_at)
ADD_LOCATION = insert(locations).returning(*LOCATION_AS_WRITTEN)
SAVE_LOCATION = versioned_update(locations, ("name", "currency_uom_id", "time_zone")).returning(
    *LOCATION_AS_WRITTEN
)


class LocationRepository(AggregateRepository[Location]):
    table = locations
    noun = "Location"
    id_field = "locationId"

    async def _read(self, location_id: str, lock: bool) -> Location | None:
        row = await self._row(LOCATION_BY_ID, id=location_id)
        return Location(**row) if row else None

    async def get_many(self, location_ids: Sequence[str]) -> dict[str, Location]:
        rows = await self._rows(LOCATIONS_BY_ID, ids=list(location_ids))
        return {row["id"]: Location(**row) for row in rows}

    def not_found(self, location_id: str) -> DomainError:
        return no_location(location_id)

    async def add(self, location: Location) -> None:
        row = await self._row(ADD_LOCATION, id=location.id, **_location_values(location))
        assert row is not None, "an INSERT ... RETURNING gives its row"
        take_written(location, row)
        self.track(location)

    def _stored_form(self, location: Location) -> dict[str, Any]:
        return _location_values(location)

    async def _save(self, location: Location, before: dict[str, Any]) -> None:
        row = await self._row(
            SAVE_LOCATION,
            key_id=location.id,
            key_version=location.version,
            **_location_values(location),
        )
        if row is None:
            raise self.stale(location.id, location.version)
        take_written(location, row)


class TaxCodeRepository(TenantRepository):
    table = tax_codes

    async def for_location(
        self, location_id: str, item_type: ItemType | None = None
    ) -> list[TaxCode]:
        if item_type is None:
            rows = await self._rows(TAX_CODES_OF_LOCATION, location_id=location_id)
        else:
            rows = await self._rows(
                TAX_CODES_OF_LOCATION_FOR, location_id=location_id, item_type=item_type.value
            )
        return [_tax_code(row) for row in rows]

    async def put(self, tax_code: TaxCode, version: int | None) -> TaxCode:
        """Create the location's tax code (`version` None), or replace its description,
        rate and item types if it is still at `version`; else VERSION_CONFLICT."""
        values = {
            "description": tax_code.description,
            "rate": tax_code.rate,
            "applicable_item_types": [t.value for t in tax_code.applicable_item_types],
        }
        if version is None:
            row = await self._row(
                ADD_TAX_CODE, location_id=tax_code.location_id, tax_code=tax_code.code, **values
            )
        else:
            row = await self._row(
                SAVE_TAX_CODE,
                key_location=tax_code.location_id,
                key_code=tax_code.code,
                key_version=version,
                **values,
            )
        if row is None:
            raise tax_code_conflict(tax_code.location_id, tax_code.code, version)
        return _tax_code(row)


class ApprovalPolicyRepository(TenantRepository):
    table = approval_policies

    async def own_and_default(
        self, location_id: str
    ) -> tuple[ApprovalPolicy | None, ApprovalPolicy | None]:
        """The location's own policy and the tenant default, read together in one statement."""
        rows = await self._rows(POLICIES_OF_LOCATION_AND_DEFAULT, location_id=location_id)
        found = {row["location_id"]: _policy(row) for row in rows}
        return found.get(location_id), found.get(None)

    async def put(self, policy: ApprovalPolicy, version: int | None) -> ApprovalPolicy:
        """Set the policy of `policy.location_id` (the tenant default when that is None):
        create it (`version` None), or replace it if still at `version`; else
        VERSION_CONFLICT."""
        values = {name: getattr(policy, name) for name in POLICY_SETTINGS}
        values["approval_method"] = policy.approval_method.value
        if version is None:
            row = await self._row(ADD_POLICY, location_id=policy.location_id, **values)
        else:
            row = await self._row(
                SAVE_POLICY, key_location=policy.location_id, key_version=version, **values
            )
        if row is None:
            raise policy_conflict(policy.location_id, version)
        return _policy(row)


def _location_values(location: Location) -> dict[str, Any]:
    """What a location's row holds besides its id and what the database keeps."""
    return {
        "name": location.name,
        "currency_uom_id": location.currency_uom_id,
        "time_zone": location.time_zone,
    }


def _tax_code(row: Mapping[str, Any]) -> TaxCode:
    return TaxCode(**{**row, "applicable_item_types": tuple(row["applicable_item_types"])})


def _policy(row: Mapping[str, Any]) -> ApprovalPolicy:
    return ApprovalPolicy(**row)
