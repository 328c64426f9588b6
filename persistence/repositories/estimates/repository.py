"""Estimates of one tenant: each revision with its lines, totals and approval.

An estimate is read in one statement (the revision with its approval and its lines)
and saved at commit with one version-checked UPDATE plus the lines that changed, the
approval it gained and the audit records it made, so a mutation costs a handful of
round trips whatever the estimate's size. Every statement of that path is built once
(see `of_tenant`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, delete, insert, or_, select
from sqlalchemy.dialects.postgresql import insert as upsert

from domain.errors import DomainError
from domain.estimates import (
    ApprovalRecord,
    Discount,
    Estimate,
    EstimateItem,
    EstimateNotFound,
    EstimateStatus,
)
from domain.estimates.search import EstimateFilter
from domain.estimates.totals import EstimateTotals, LineTotal
from domain.locations import ApprovalMethod, ApprovalPolicy
from domain.paging import PageRequest
from domain.tax import ItemType
from domain.work_parties import WorkParty
from persistence.driver import TenantDriver
from persistence.repositories.aggregates import AggregateRepository
from persistence.repositories.base import (
    of_tenant,
    one_of,
    one_of_param,
    versioned_update,
)
from persistence.repositories.estimates.audit import AuditTrail
from persistence.tables import estimate_approvals, estimate_items, estimates

HEADER_COLUMNS = [
    *(c for c in estimates.c if c.name not in ("tenant_id", "updated_at")),
    estimate_approvals.c.approval_method,
    estimate_approvals.c.approved_by,
    estimate_approvals.c.approved_at,
    estimate_approvals.c.legal_terms_version,
    estimate_approvals.c.signature,
]
LINE_COLUMNS = {
    c.name: c.label(f"line_{c.name}") for c in estimate_items.c if c.name != "tenant_id"
}
"""An estimate's lines under names of their own, read in the same query as the estimate
(one round trip fewer on every estimate mutation)."""
_NEW_ITEM = upsert(estimate_items)
UPSERT_ITEM = _NEW_ITEM.on_conflict_do_update(
    index_elements=["tenant_id", "estimate_id", "item_id"],
    set_={
        c.name: _NEW_ITEM.excluded[c.name]
        for c in estimate_items.c
        if c.name not in ("tenant_id", "estimate_id", "item_id")
    },
)
"""Built once: executed with the changed lines as parameters, it is compiled once too."""
HEADER_FIELDS = [
    c.name
    for c in estimates.c
    if c.name not in ("tenant_id", "id", "version", "created_at", "updated_at")
]
"""What an estimate's own row holds beyond its key, version and timestamps."""
ADD = insert(estimates)
SAVE = versioned_update(estimates, HEADER_FIELDS).returning(estimates.c.version)
ADD_APPROVAL = insert(estimate_approvals)
REMOVE_ITEMS = delete(estimate_items).where(
    of_tenant(estimate_items),
    estimate_items.c.estimate_id == bindparam("estimate_id"),
    one_of_param(estimate_items.c.item_id, "item_ids"),
)


def _with_lines_and_approval() -> Select:
    """Revisions with their approval and their lines, one row per line, in line order."""
    joined = estimates.outerjoin(
        estimate_approvals,
        (estimate_approvals.c.tenant_id == estimates.c.tenant_id)
        & (estimate_approvals.c.estimate_id == estimates.c.id),
    )
    lines = estimate_items.c
    with_lines = joined.outerjoin(
        estimate_items,
        (lines.tenant_id == estimates.c.tenant_id) & (lines.estimate_id == estimates.c.id),
    )
    return (
        select(*HEADER_COLUMNS, *LINE_COLUMNS.values())
        .select_from(with_lines)
        .where(of_tenant(estimates))
        .order_by(estimates.c.revision, lines.position)
    )


BY_ID = _with_lines_and_approval().where(estimates.c.id == bindparam("id"))
LOCKED_BY_ID = BY_ID.with_for_update(of=estimates)
BY_IDS = _with_lines_and_approval().where(one_of_param(estimates.c.id, "ids"))
REVISIONS = _with_lines_and_approval().where(estimates.c.number == bindparam("number"))
REVISIONS_OF_NUMBERS = _with_lines_and_approval().where(one_of_param(estimates.c.number, "numbers"))
E = estimates.c
PARTY = {
    WorkParty.CUSTOMER: E.customer_id,
    WorkParty.VEHICLE: E.vehicle_id,
    WorkParty.LOCATION: E.location_id,
}
NEWEST_FIRST = (E.created_at.desc(), E.id.desc())
"""The lists' one order: the id breaks ties, so a page never shifts between two reads."""


def _status_seen(status: EstimateStatus, at: datetime) -> ColumnElement[bool]:
    """The rows whose status a customer sees at `at` is `status` (`Estimate.status_at`)."""
    pending = E.status == EstimateStatus.PENDING_APPROVAL.value
    if status == EstimateStatus.EXPIRED:
        return pending & (E.expires_at <= at)
    if status == EstimateStatus.PENDING_APPROVAL:
        return pending & (E.expires_at.is_(None) | (E.expires_at > at))
    return E.status == status.value


def matching(where: EstimateFilter, at: datetime) -> Select:
    """The ids (and parties) of the revisions `where` lets through, seen at `at` (also
    the filter of the compiled read path, persistence/json_reads)."""
    statement = select(E.id, *PARTY.values()).where(of_tenant(estimates))
    for party, wanted in (
        (WorkParty.CUSTOMER, where.customer_id),
        (WorkParty.VEHICLE, where.vehicle_id),
        (WorkParty.LOCATION, where.location_id),
    ):
        if wanted is not None:
            statement = statement.where(PARTY[party] == wanted)
    if where.statuses:
        statement = statement.where(or_(*(_status_seen(s, at) for s in where.statuses)))
    if where.since is not None:
        statement = statement.where(E.created_at >= where.since)
    if where.until is not None:
        statement = statement.where(E.created_at < where.until)
    return statement


def _policy_document(policy: ApprovalPolicy | None) -> dict[str, Any] | None:
    if policy is None:
        return None
    return {
        "approval_method": policy.approval_method.value,
        "legal_terms_text": policy.legal_terms_text,
        "legal_terms_version": policy.legal_terms_version,
        "expires_in_days": policy.expires_in_days,
        "location_id": policy.location_id,
    }


def _header_values(estimate: Estimate) -> dict[str, Any]:
    totals = estimate.totals
    return {
        "number": estimate.number,
        "revision": estimate.revision,
        "status": estimate.status.value,
        "customer_id": estimate.customer_id,
        "vehicle_id": estimate.vehicle_id,
        "location_id": estimate.location_id,
        "created_by": estimate.created_by,
        "currency_uom_id": estimate.currency_uom_id,
        "discount_percent": estimate.discount.percent,
        "discount_fixed": estimate.discount.amount,
        "subtotal_services": totals.subtotal_services,
        "subtotal_materials": totals.subtotal_materials,
        "discount_amount": totals.discount_amount,
        "tax_total": totals.tax_total,
        "grand_total": totals.grand_total,
        "item_count": totals.item_count,
        "policy": _policy_document(estimate.policy),
        "submitted_at": estimate.submitted_at,
        "expires_at": estimate.expires_at,
        "decline_reason": estimate.decline_reason,
        "previous_id": estimate.previous_id,
        "superseded_by": estimate.superseded_by,
        "latest_audit_event_id": estimate.latest_audit_event_id,
    }


def _item_rows(estimate: Estimate, tenant_id: str) -> list[dict[str, Any]]:
    lines = {line.item_id: line for line in estimate.totals.lines}
    return [
        {
            "tenant_id": tenant_id,
            "estimate_id": estimate.id,
            "item_id": item.item_id,
            "position": position,
            "item_type": item.item_type.value,
            "description": item.description,
            "quantity": item.quantity,
            "unit_price": item.unit_price,
            "tax_code": item.tax_code,
            "catalog_id": item.catalog_id,
            "labor_units": item.labor_units,
            "price_overridden": item.price_overridden,
            "line_discount": lines[item.item_id].discount,
            "tax_amount": lines[item.item_id].tax_amount,
        }
        for position, item in enumerate(estimate.items)
    ]


def _estimate(tenant_id: str, row: Mapping[str, Any], item_rows: Sequence[Any]) -> Estimate:
    items = tuple(
        EstimateItem(
            item_id=r["item_id"],
            item_type=ItemType(r["item_type"]),
            description=r["description"],
            quantity=r["quantity"],
            unit_price=r["unit_price"],
            tax_code=r["tax_code"],
            catalog_id=r["catalog_id"],
            labor_units=r["labor_units"],
            price_overridden=r["price_overridden"],
        )
        for r in item_rows
    )
    lines = tuple(
        LineTotal(r["item_id"], item.subtotal, r["line_discount"], r["tax_amount"])
        for r, item in zip(item_rows, items, strict=True)
    )
    policy = row["policy"]
    return Estimate(
        id=row["id"],
        tenant_id=tenant_id,
        number=row["number"],
        customer_id=row["customer_id"],
        vehicle_id=row["vehicle_id"],
        location_id=row["location_id"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        currency_uom_id=row["currency_uom_id"],
        revision=row["revision"],
        status=EstimateStatus(row["status"]),
        items=items,
        discount=Discount(row["discount_percent"], row["discount_fixed"]),
        totals=EstimateTotals(
            subtotal_services=row["subtotal_services"],
            subtotal_materials=row["subtotal_materials"],
            discount_amount=row["discount_amount"],
            tax_total=row["tax_total"],
            grand_total=row["grand_total"],
            item_count=row["item_count"],
            lines=lines,
        ),
        policy=None if policy is None else ApprovalPolicy(**policy),
        submitted_at=row["submitted_at"],
        expires_at=row["expires_at"],
        approval=None
        if row["approval_method"] is None
        else ApprovalRecord(
            method=ApprovalMethod(row["approval_method"]),
            approved_by=row["approved_by"],
            approved_at=row["approved_at"],
            legal_terms_version=row["legal_terms_version"],
            signature=row["signature"],
        ),
        decline_reason=row["decline_reason"],
        superseded_by=row["superseded_by"],
        previous_id=row["previous_id"],
        latest_audit_event_id=row["latest_audit_event_id"],
        version=row["version"],
    )


@dataclass(frozen=True, slots=True)
class StoredEstimate:
    """What the tables hold of an estimate: its row, its lines by id, whether its approval
    is written, and how many audit records wait to be appended."""

    header: dict[str, Any]
    lines: dict[str, dict[str, Any]]
    approved: bool
    audit_records: int


class EstimateRepository(AggregateRepository[Estimate]):
    """Estimates with their lines and approval; the audit records an estimate made since
    it was read are appended to the audit trail in the same transaction."""

    table = estimates
    noun = "Estimate"
    id_field = "estimateId"

    def __init__(self, statements: TenantDriver, audit_trail: AuditTrail):
        super().__init__(statements)
        self._audit_trail = audit_trail

    async def _read(self, estimate_id: str, lock: bool) -> Estimate | None:
        found = await self._load(LOCKED_BY_ID if lock else BY_ID, id=estimate_id)
        return found[0] if found else None

    def not_found(self, estimate_id: str) -> DomainError:
        return EstimateNotFound(estimate_id)

    async def get_many(self, estimate_ids: Sequence[str]) -> dict[str, Estimate]:
        """Revisions by id, with their lines and approvals, in one statement (to read only)."""
        return {e.id: e for e in await self._load(BY_IDS, ids=list(estimate_ids))}

    async def revisions(self, number: str) -> list[Estimate]:
        """Every revision of the estimate `number`, the first one first (to read only)."""
        return await self._load(REVISIONS, number=number)

    async def revisions_of(self, numbers: Sequence[str]) -> dict[str, list[Estimate]]:
        """`revisions` of many estimate numbers in one statement (to read only)."""
        found: dict[str, list[Estimate]] = {number: [] for number in numbers}
        for estimate in await self._load(REVISIONS_OF_NUMBERS, numbers=list(numbers)):
            found[estimate.number].append(estimate)
        return found

    async def search(
        self, where: EstimateFilter, at: datetime, request: PageRequest
    ) -> list[Estimate]:
        """One page, newest first, and one revision more if another page follows: the
        page's ids in one statement, the revisions with their lines in another."""
        rows = await self._page_rows(matching(where, at).order_by(*NEWEST_FIRST), request)
        found = await self._found(rows)
        return [found[row["id"]] for row in rows]

    async def count(self, where: EstimateFilter, at: datetime) -> int:
        return await self._count(matching(where, at))

    async def pages_of(
        self,
        party: WorkParty,
        party_ids: Sequence[str],
        where: EstimateFilter,
        at: datetime,
        request: PageRequest,
    ) -> dict[str, list[Estimate]]:
        """`search` of each party (each customer, vehicle or location) at once, in two
        statements however many parties."""
        column = PARTY[party]
        rows = await self._pages_rows(matching(where, at), column, party_ids, NEWEST_FIRST, request)
        found = await self._found(rows)
        pages: dict[str, list[Estimate]] = {party_id: [] for party_id in party_ids}
        for row in rows:
            pages[row[column.name]].append(found[row["id"]])
        return pages

    async def _found(self, rows: Sequence[Mapping[str, Any]]) -> dict[str, Estimate]:
        """The revisions of a page's ids (no statement for an empty page)."""
        return await self.get_many([row["id"] for row in rows]) if rows else {}

    async def counts_of(
        self, party: WorkParty, party_ids: Sequence[str], where: EstimateFilter, at: datetime
    ) -> dict[str, int]:
        """`count` of each party at once, in one statement."""
        column = PARTY[party]
        counted = await self._counts(matching(where, at).where(one_of(column, party_ids)), column)
        return {party_id: counted.get(party_id, 0) for party_id in party_ids}

    async def add(self, estimate: Estimate) -> None:
        """A new estimate (a draft, a revision), inserted when the unit of work commits."""
        self.track_new(estimate)

    def _stored_form(self, estimate: Estimate) -> StoredEstimate:
        return StoredEstimate(
            _header_values(estimate),
            {row["item_id"]: row for row in _item_rows(estimate, self.tenant_id)},
            estimate.approval is not None,
            len(estimate.audit_records),
        )

    async def _save(self, estimate: Estimate, before: StoredEstimate | None) -> None:
        """The row (version-checked), the lines that differ, a new approval, new audit
        records. The UPDATE row-locks the estimate until commit, so of two racing
        decisions the second waits, then finds a newer version: VERSION_CONFLICT."""
        now = self._stored_form(estimate)
        if before is None:
            await self._run(ADD, id=estimate.id, created_at=estimate.created_at, **now.header)
        else:
            saved = await self._value(
                SAVE, key_id=estimate.id, key_version=estimate.version, **now.header
            )
            if saved is None:
                raise self.stale(estimate.id, estimate.version)
            estimate.version = saved
        await self._write_lines(estimate.id, {} if before is None else before.lines, now.lines)
        if estimate.approval is not None and not (before is not None and before.approved):
            await self._add_approval(estimate.id, estimate.approval)
        await self._audit_trail.append(estimate.audit_records)
        estimate.audit_records.clear()

    async def _add_approval(self, estimate_id: str, approval: ApprovalRecord) -> None:
        await self._run(
            ADD_APPROVAL,
            estimate_id=estimate_id,
            approval_method=approval.method.value,
            approved_by=approval.approved_by,
            approved_at=approval.approved_at,
            legal_terms_version=approval.legal_terms_version,
            signature=approval.signature,
        )

    async def _write_lines(
        self,
        estimate_id: str,
        before: Mapping[str, dict[str, Any]],
        lines: Mapping[str, dict[str, Any]],
    ) -> None:
        """Write only the lines that changed, delete the removed ones: adding a line to
        an undiscounted estimate is one INSERT, whatever its size."""
        removed = [item_id for item_id in before if item_id not in lines]
        if removed:
            await self._run(REMOVE_ITEMS, estimate_id=estimate_id, item_ids=removed)
        changed = [row for item_id, row in lines.items() if before.get(item_id) != row]
        if changed:
            await self._run_many(UPSERT_ITEM, changed)

    async def _load(self, statement: Select, **parameters: Any) -> list[Estimate]:
        headers: dict[str, Mapping[str, Any]] = {}
        by_estimate: dict[str, list[dict[str, Any]]] = {}
        for row in await self._rows(statement, **parameters):
            headers.setdefault(row["id"], row)
            found = by_estimate.setdefault(row["id"], [])
            if row["line_item_id"] is not None:
                found.append({name: row[label.name] for name, label in LINE_COLUMNS.items()})
        return [_estimate(self.tenant_id, r, by_estimate[i]) for i, r in headers.items()]
