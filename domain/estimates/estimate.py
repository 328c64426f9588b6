"""The estimate aggregate: a quote for one customer's vehicle, from draft to decision.

DRAFT -> PENDING_APPROVAL (submit) -> APPROVED or DECLINED. Only a draft's lines and
discount change; to change a submitted or decided estimate a clerk revises it, which
opens a new DRAFT revision (revision + 1) and marks the old one superseded, readable as
it was. A pending estimate past its validity (the policy's `expiresInDays`, counted
from submission) is EXPIRED and can no longer be approved, only revised.

The aggregate is mutable in the Cosmic Python way: each method checks its rules,
changes state and appends what happened (audit records, domain events) to lists the
unit of work collects. Nothing here reads the clock: every decision takes `now`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from domain.catalog import Part, Service
from domain.checks import check_text
from domain.errors import DuplicateId, collect
from domain.estimates.approval import ApprovalRecord
from domain.estimates.audit import AuditAction, AuditEventType, AuditRecord
from domain.estimates.decisions import EstimateDecisions, check_instant
from domain.estimates.items import (
    EstimateItem,
    non_catalog_part_item,
    part_item,
    service_item,
)
from domain.estimates.status import REVISABLE, EstimateStatus, ItemNotFound
from domain.estimates.totals import (
    EMPTY_TOTALS,
    NO_DISCOUNT,
    Discount,
    EstimateTotals,
    calculate_totals,
)
from domain.events import DomainEvent
from domain.identity import Principal
from domain.locations import ApprovalPolicy
from domain.money import DEFAULT_CURRENCY
from domain.tax import TaxCode


@dataclass(eq=False)
class Estimate(EstimateDecisions):
    """One revision of an estimate; `number` is the tenant's human number, shared by revisions.

    `policy`, `submitted_at` and `expires_at` are set on submission; `approval` on
    approval; `superseded_by` (the next revision's id) when revised. `version` is the
    stored row's, for optimistic concurrency; the decisions are in `EstimateDecisions`.
    """

    id: str
    tenant_id: str
    number: str
    customer_id: str
    vehicle_id: str
    location_id: str
    created_by: str
    created_at: datetime
    currency_uom_id: str = DEFAULT_CURRENCY
    revision: int = 1
    status: EstimateStatus = EstimateStatus.DRAFT
    items: tuple[EstimateItem, ...] = ()
    discount: Discount = NO_DISCOUNT
    totals: EstimateTotals = EMPTY_TOTALS
    policy: ApprovalPolicy | None = None
    submitted_at: datetime | None = None
    expires_at: datetime | None = None
    approval: ApprovalRecord | None = None
    decline_reason: str | None = None
    superseded_by: str | None = None
    previous_id: str | None = None
    version: int = 1
    audit_records: list[AuditRecord] = field(default_factory=list)
    events: list[DomainEvent] = field(default_factory=list)

    @classmethod
    def create(
        cls,
        *,
        estimate_id: str,
        number: str,
        customer_id: str,
        vehicle_id: str,
        location_id: str,
        by: Principal,
        now: datetime,
        currency_uom_id: str = DEFAULT_CURRENCY,
    ) -> Estimate:
        """A new DRAFT; the number comes from the tenant's sequence, kept by persistence."""
        check_instant(now)
        collect(
            check_text(estimate_id, "id", "An estimate needs an id.", max_length=64),
            check_text(number, "number", "An estimate needs its number.", max_length=64),
            check_text(customer_id, "customerId", "Choose the customer.", max_length=64),
            check_text(vehicle_id, "vehicleId", "Choose the customer's vehicle.", max_length=64),
            check_text(location_id, "locationId", "Choose the shop location.", max_length=64),
        )
        return cls(
            id=estimate_id,
            tenant_id=by.tenant_id,
            number=number.strip(),
            customer_id=customer_id,
            vehicle_id=vehicle_id,
            location_id=location_id,
            created_by=by.user_id,
            created_at=now,
            currency_uom_id=currency_uom_id,
        )

    # Lines and discount: a draft only.

    def add_part(
        self,
        item_id: str,
        part: Part,
        quantity: Decimal,
        tax_codes: Mapping[str, TaxCode],
        by: Principal,
        unit_price: Decimal | None = None,
    ) -> EstimateItem:
        item = part_item(item_id, part, quantity, by, unit_price)
        self._add(item, tax_codes)
        return item

    def add_non_catalog_part(
        self,
        item_id: str,
        description: str,
        unit_price: Decimal,
        quantity: Decimal,
        tax_code: str | None,
        tax_codes: Mapping[str, TaxCode],
        by: Principal,
    ) -> EstimateItem:
        item = non_catalog_part_item(item_id, description, unit_price, quantity, tax_code, by)
        self._add(item, tax_codes)
        return item

    def add_service(
        self,
        item_id: str,
        service: Service,
        tax_codes: Mapping[str, TaxCode],
        quantity: Decimal = Decimal(1),
    ) -> EstimateItem:
        item = service_item(item_id, service, quantity)
        self._add(item, tax_codes)
        return item

    def update_quantity(
        self, item_id: str, quantity: Decimal, tax_codes: Mapping[str, TaxCode]
    ) -> None:
        self._require(EstimateStatus.DRAFT, "change a line")
        index = self._index(item_id)
        items = list(self.items)
        items[index] = items[index].with_quantity(quantity)
        self._reprice(tuple(items), self.discount, tax_codes)

    def remove_item(self, item_id: str, tax_codes: Mapping[str, TaxCode]) -> None:
        self._require(EstimateStatus.DRAFT, "remove a line")
        index = self._index(item_id)
        self._reprice(self.items[:index] + self.items[index + 1 :], self.discount, tax_codes)

    def set_discount(self, discount: Discount, tax_codes: Mapping[str, TaxCode]) -> None:
        self._require(EstimateStatus.DRAFT, "change the discount")
        self._reprice(self.items, discount, tax_codes)

    def revise(self, new_id: str, by: Principal, now: datetime) -> Estimate:
        """A new DRAFT revision with the same lines and discount; this one stays as it was."""
        check_instant(now)
        if self.superseded_by is not None or self.status not in REVISABLE:
            raise self._invalid("revise it")
        draft = Estimate(
            id=new_id,
            tenant_id=self.tenant_id,
            number=self.number,
            customer_id=self.customer_id,
            vehicle_id=self.vehicle_id,
            location_id=self.location_id,
            created_by=by.user_id,
            created_at=now,
            currency_uom_id=self.currency_uom_id,
            revision=self.revision + 1,
            items=self.items,
            discount=self.discount,
            totals=self.totals,
            previous_id=self.id,
        )
        self.superseded_by = new_id
        draft._audit(
            AuditEventType.ESTIMATE_REVISED,
            AuditAction.REVISE,
            by,
            now,
            {
                "previousEstimateId": self.id,
                "previousStatus": str(self.status_at(now)),
                "revision": draft.revision,
            },
        )
        return draft

    # Reading.

    def status_at(self, now: datetime) -> EstimateStatus:
        """The status a customer sees at `now`: a pending estimate past validity is EXPIRED."""
        if self.status == EstimateStatus.PENDING_APPROVAL and self._expired(now):
            return EstimateStatus.EXPIRED
        return self.status

    @property
    def valid_until(self) -> date | None:
        """The last day (UTC) the estimate can be approved on; None before submission."""
        return None if self.expires_at is None else self.expires_at.date()

    # Rules shared by the methods above.

    def _add(self, item: EstimateItem, tax_codes: Mapping[str, TaxCode]) -> None:
        self._require(EstimateStatus.DRAFT, "add a line")
        if any(existing.item_id == item.item_id for existing in self.items):
            raise DuplicateId("Estimate item", item.item_id, "itemId")
        self._reprice((*self.items, item), self.discount, tax_codes)

    def _reprice(
        self,
        items: tuple[EstimateItem, ...],
        discount: Discount,
        tax_codes: Mapping[str, TaxCode],
    ) -> None:
        """Recalculate first, so a change that breaks a rule leaves the estimate untouched."""
        self.totals = calculate_totals(items, discount, tax_codes, self.currency_uom_id)
        self.items = items
        self.discount = discount

    def _index(self, item_id: str) -> int:
        for index, item in enumerate(self.items):
            if item.item_id == item_id:
                return index
        raise ItemNotFound(item_id)
