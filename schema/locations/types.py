"""Locations and approval policies as clients see them (names mirror the location DTO)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import strawberry

from domain import locations as domain
from domain.identity import Permission
from domain.work_parties import WorkParty
from schema.context import Info
from schema.inventory.types import StockLevel
from schema.paging import page_request
from schema.permissions import requires
from schema.work_lists import WorkLists

ApprovalMethod = strawberry.enum(
    domain.ApprovalMethod, description="How a customer approves an estimate."
)
PolicyMode = strawberry.enum(
    domain.PolicyMode,
    description="LOCATION_SPECIFIC: the location's own policy; DEFAULT: the business default.",
)


@strawberry.type(description="A shop location: its currency and time zone.")
class Location(WorkLists):
    location_id: strawberry.ID
    name: str
    currency_uom_id: str
    time_zone: str = strawberry.field(description="IANA name, such as America/Chicago.")
    version: int = strawberry.field(description="Send back with an update to detect conflicts.")
    created_at: datetime | None
    updated_at: datetime | None

    @strawberry.field(
        description="One page of the parts stocked here, in SKU order.",
        permission_classes=[requires(Permission.INVENTORY_READ)],
    )
    async def stock(
        self, info: Info, page_index: int | None = 0, page_size: int | None = 20
    ) -> list[StockLevel]:
        key = (page_request(page_index, page_size), str(self.location_id))
        found = await info.context.loaders.stock_at_location.load(key)
        return [StockLevel.from_domain(item) for item in found]

    work_party: ClassVar[WorkParty] = WorkParty.LOCATION

    def work_party_id(self) -> str:
        return str(self.location_id)

    @classmethod
    def from_domain(cls, loc: domain.Location) -> Location:
        return cls(
            location_id=strawberry.ID(loc.id),
            name=loc.name,
            currency_uom_id=loc.currency_uom_id,
            time_zone=loc.time_zone,
            version=loc.version,
            created_at=loc.created_at,
            updated_at=loc.updated_at,
        )


@strawberry.type(description="The legal terms and approval method for estimates.")
class ApprovalPolicy:
    location_id: strawberry.ID | None = strawberry.field(
        description="The location asked about; empty for the business default itself."
    )
    approval_method: ApprovalMethod
    require_signature: bool = strawberry.field(description="True exactly for SIGNATURE.")
    legal_terms_text: str
    legal_terms_version: str
    policy_mode: PolicyMode
    expires_in_days: int = strawberry.field(description="Days an estimate stays approvable.")
    version: int = strawberry.field(
        description="The version of the policy shown (the default's when policyMode is "
        "DEFAULT); send it back to replace that policy."
    )

    @strawberry.field(
        description="The location asked about; null for the business default itself.",
        permission_classes=[requires(Permission.LOCATION_READ)],
    )
    async def location(self, info: Info) -> Location | None:
        if self.location_id is None:
            return None
        found = await info.context.loaders.location_by_id.load(str(self.location_id))
        return None if found is None else Location.from_domain(found)

    @classmethod
    def from_domain(cls, p: domain.ApprovalPolicy, location_id: str | None) -> ApprovalPolicy:
        return cls(
            location_id=strawberry.ID(location_id) if location_id else None,
            approval_method=p.approval_method,
            require_signature=bool(p.require_signature),
            legal_terms_text=p.legal_terms_text,
            legal_terms_version=p.legal_terms_version,
            policy_mode=p.policy_mode,
            expires_in_days=p.expires_in_days,
            version=p.version,
        )

    @classmethod
    def applied(cls, a: domain.AppliedApprovalPolicy) -> ApprovalPolicy:
        return cls.from_domain(a.policy, a.location_id)
