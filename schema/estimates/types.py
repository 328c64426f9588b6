"""Estimate, its lines, totals and approval as clients see them (seed 001's names).

Plain fields are plain attributes mapped once from the domain estimate (`from_domain`);
`status` computes, from the stored status and validity and the request's clock (no I/O),
and `financePosting` reads what finance did.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from domain import estimates as domain
from domain.estimates.totals import LineTotal
from domain.identity import Permission
from domain.tax import ItemType
from resolvers.finance import quote_costs as finance
from schema.connections import Connection
from schema.context import Info
from schema.finance.types import FinancePostingStatus
from schema.permissions import requires
from schema.work_parties import WorkParties

if TYPE_CHECKING:
    from schema.service_orders.types import ServiceOrder

EstimateStatus = strawberry.enum(
    domain.EstimateStatus,
    description="EXPIRED: pending past its validity; it can only be revised.",
)
EstimateItemType = strawberry.enum(ItemType, name="EstimateItemType")


@strawberry.type(description="One priced line: a part (material) or a service.")
class EstimateItem:
    item_id: strawberry.ID
    item_type: EstimateItemType  # type: ignore[valid-type]
    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_code: str | None
    catalog_id: strawberry.ID | None = strawberry.field(
        description="The catalog part or service; null for a part the catalog does not list."
    )
    labor_units: Decimal | None = strawberry.field(description="Set for TIME_BASED services.")
    price_overridden: bool
    subtotal: Decimal = strawberry.field(description="Quantity x price, before discount.")
    discount: Decimal = strawberry.field(description="This line's share of the discount.")
    tax_amount: Decimal
    line_total: Decimal

    @classmethod
    def from_domain(cls, item: domain.EstimateItem, line: LineTotal) -> EstimateItem:
        return cls(
            item_id=strawberry.ID(item.item_id),
            item_type=item.item_type,
            description=item.description,
            quantity=item.quantity,
            unit_price=item.unit_price,
            tax_code=item.tax_code,
            catalog_id=strawberry.ID(item.catalog_id) if item.catalog_id else None,
            labor_units=item.labor_units,
            price_overridden=item.price_overridden,
            subtotal=line.subtotal,
            discount=line.discount,
            tax_amount=line.tax_amount,
            line_total=line.line_total,
        )


@strawberry.type(description="Every figure of the estimate; discount before tax, to the cent.")
class EstimateTotals:
    subtotal_services: Decimal
    subtotal_materials: Decimal
    subtotal: Decimal
    discount_amount: Decimal
    tax_total: Decimal
    grand_total: Decimal
    item_count: int
    currency_uom_id: str


@strawberry.type(description="How, by whom and when the customer approved, and the terms shown.")
class EstimateApproval:
    approval_method: str
    approved_by: str
    approved_at: datetime
    legal_terms_version: str
    signature_present: bool


@strawberry.type(description="What finance did with an approved quote's costs.")
class FinancePosting:
    status: FinancePostingStatus  # type: ignore[valid-type]
    detail: str | None = strawberry.field(description="Why the posting was blocked, if it was.")


async def _estimate_of(info: Info, estimate_id: strawberry.ID | None) -> Estimate | None:
    if estimate_id is None:
        return None
    found = await info.context.loaders.estimate_by_id.load(str(estimate_id))
    return None if found is None else Estimate.from_domain(found)


def status_now(root: Estimate, info: Info) -> domain.EstimateStatus:
    """What the customer sees now: a pending estimate past its validity is EXPIRED."""
    return root.source.status_at(info.context.clock.now())


@strawberry.type(description="One revision of an estimate for a customer's vehicle.")
class Estimate(WorkParties):
    estimate_id: strawberry.ID
    estimate_number: str = strawberry.field(description="Shared by every revision.")
    revision: int
    status: EstimateStatus = strawberry.field(resolver=status_now)  # type: ignore[valid-type]
    items: list[EstimateItem]
    discount_percent: Decimal | None
    discount_fixed_amount: Decimal | None
    totals: EstimateTotals
    legal_terms_version: str | None = strawberry.field(
        description="The terms the customer is shown, fixed at submission."
    )
    submitted_at: datetime | None
    expires_at: datetime | None
    valid_until: date | None
    approval: EstimateApproval | None
    decline_reason: str | None
    previous_revision_id: strawberry.ID | None
    quote_id: strawberry.ID = strawberry.field(
        description="The UUID this revision's approval is published under on "
        "trakservice.quote.approved.v1 (`quote_id`); ask `costTransactions` with it."
    )
    latest_audit_event_id: strawberry.ID | None = strawberry.field(
        description="The audit event of the latest decision about this revision."
    )
    superseded_by_id: strawberry.ID | None = strawberry.field(
        description="The newer revision that replaced this one; this one stays as it was."
    )
    created_by: str
    created_at: datetime
    version: int = strawberry.field(description="Send it back with every change.")
    source: strawberry.Private[domain.Estimate]

    @strawberry.field(
        description="The service order this estimate became, if it was ordered.",
        permission_classes=[requires(Permission.SERVICE_ORDER_READ)],
    )
    async def service_order(
        self, info: Info
    ) -> Annotated[ServiceOrder, strawberry.lazy("schema.service_orders.types")] | None:
        found = await info.context.loaders.order_by_estimate.load(str(self.estimate_id))
        if found is None:
            return None
        from schema.service_orders.types import ServiceOrder

        return ServiceOrder.listed(found)

    @strawberry.field(description="The revision this one replaced, if it is a revision.")
    async def previous_revision(self, info: Info) -> Estimate | None:
        return await _estimate_of(info, self.previous_revision_id)

    @strawberry.field(description="The newer revision that replaced this one, if any.")
    async def superseded_by(self, info: Info) -> Estimate | None:
        return await _estimate_of(info, self.superseded_by_id)

    @strawberry.field(description="Every revision of this estimate's number, the first first.")
    async def revisions(self, info: Info) -> list[Estimate]:
        found = await info.context.loaders.revisions_by_number.load(self.estimate_number)
        return [Estimate.from_domain(e) for e in found]

    @strawberry.field(description="Null until approved; then PENDING, POSTED or BLOCKED_BY_LOCK.")
    async def finance_posting(self, info: Info) -> FinancePosting | None:
        if self.approval is None:
            return None
        status, detail = await finance.finance_posting(info.context.uow, self.quote_id)
        return FinancePosting(status=status, detail=detail)

    @classmethod
    def from_domain(cls, e: domain.Estimate) -> Estimate:
        lines = {line.item_id: line for line in e.totals.lines}
        approval = e.approval
        return cls(
            estimate_id=strawberry.ID(e.id),
            estimate_number=e.number,
            revision=e.revision,
            customer_id=strawberry.ID(e.customer_id),
            vehicle_id=strawberry.ID(e.vehicle_id),
            location_id=strawberry.ID(e.location_id),
            items=[EstimateItem.from_domain(i, lines[i.item_id]) for i in e.items],
            discount_percent=e.discount.percent,
            discount_fixed_amount=e.discount.amount,
            totals=EstimateTotals(
                subtotal_services=e.totals.subtotal_services,
                subtotal_materials=e.totals.subtotal_materials,
                subtotal=e.totals.subtotal,
                discount_amount=e.totals.discount_amount,
                tax_total=e.totals.tax_total,
                grand_total=e.totals.grand_total,
                item_count=e.totals.item_count,
                currency_uom_id=e.currency_uom_id,
            ),
            legal_terms_version=e.policy.legal_terms_version if e.policy else None,
            submitted_at=e.submitted_at,
            expires_at=e.expires_at,
            valid_until=e.valid_until,
            approval=None
            if approval is None
            else EstimateApproval(
                approval_method=str(approval.method),
                approved_by=approval.approved_by,
                approved_at=approval.approved_at,
                legal_terms_version=approval.legal_terms_version,
                signature_present=approval.signature_present,
            ),
            decline_reason=e.decline_reason,
            previous_revision_id=strawberry.ID(e.previous_id) if e.previous_id else None,
            quote_id=strawberry.ID(e.quote_id),
            latest_audit_event_id=(
                strawberry.ID(e.latest_audit_event_id) if e.latest_audit_event_id else None
            ),
            superseded_by_id=strawberry.ID(e.superseded_by) if e.superseded_by else None,
            created_by=e.created_by,
            created_at=e.created_at,
            version=e.version,
            source=e,
        )


@strawberry.type(description="Estimate revisions, newest first; page on with `after`.")
class EstimateConnection(Connection[Estimate]):
    """The connection of `Customer.estimates`, `Vehicle.estimates`..."""
