"""Estimates of one tenant: each revision with its lines, totals and approval.

An estimate is read in one statement (the revision with its approval and its lines)
and written back with one version-checked UPDATE plus the lines that changed, so a
mutation costs a handful of round trips whatever the estimate's size. Every statement
of that path is built once (see `of_tenant`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Select, bindparam, delete, insert, select
from sqlalchemy.dialects.postgresql import insert as upsert

from domain.errors import VersionConflict
from domain.estimates import ApprovalRecord, Discount, Estimate, EstimateItem, EstimateStatus
from domain.estimates.totals import EstimateTotals, LineTotal
from domain.locations import ApprovalMethod, ApprovalPolicy
from domain.tax import ItemType
from persistence.driver import TenantDriver
from persistence.repositories.base import (
    TenantRepository,
    of_tenant,
    one_of_param,
    versioned_update,
)
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
REVISIONS = _with_lines_and_approval().where(estimates.c.number == bindparam("number"))


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
        version=row["version"],
    )


class EstimateRepository(TenantRepository):
    """Remembers the lines it read (per estimate), so a save writes only what changed."""

    table = estimates

    def __init__(self, statements: TenantDriver):
        super().__init__(statements)
        self._seen: dict[str, dict[str, dict[str, Any]]] = {}

    async def get(self, estimate_id: str) -> Estimate | None:
        """One revision with its lines and approval, or None if this tenant has none."""
        found = await self._load(BY_ID, id=estimate_id)
        return found[0] if found else None

    async def revisions(self, number: str) -> list[Estimate]:
        """Every revision of the estimate `number`, the first one first."""
        return await self._load(REVISIONS, number=number)

    async def add(self, estimate: Estimate) -> None:
        await self._run(
            ADD, id=estimate.id, created_at=estimate.created_at, **_header_values(estimate)
        )
        await self._write_items(estimate)

    async def save(self, estimate: Estimate, *, items_changed: bool = True) -> None:
        """Write an edited estimate if nobody changed it since `estimate.version` was read.

        The UPDATE row-locks the estimate until commit, so of two racing decisions the
        second waits, then finds a newer version and fails with VERSION_CONFLICT.
        """
        saved = await self._row(
            SAVE,
            key_id=estimate.id,
            key_version=estimate.version,
            **_header_values(estimate),
        )
        if saved is None:
            raise stale(estimate.id, estimate.version)
        estimate.version = saved["version"]
        if items_changed:
            await self._write_items(estimate)

    async def add_approval(self, estimate_id: str, approval: ApprovalRecord) -> None:
        await self._run(
            ADD_APPROVAL,
            estimate_id=estimate_id,
            approval_method=approval.method.value,
            approved_by=approval.approved_by,
            approved_at=approval.approved_at,
            legal_terms_version=approval.legal_terms_version,
            signature=approval.signature,
        )

    async def _write_items(self, estimate: Estimate) -> None:
        """Write only the lines that changed since they were read, delete the removed ones.

        Adding a line to an undiscounted estimate is then one INSERT, whatever its size.
        """
        seen = self._seen.setdefault(estimate.id, {})
        rows = {row["item_id"]: row for row in _item_rows(estimate, self.tenant_id)}
        removed = [item_id for item_id in seen if item_id not in rows]
        if removed:
            await self._run(REMOVE_ITEMS, estimate_id=estimate.id, item_ids=removed)
        changed = [row for item_id, row in rows.items() if seen.get(item_id) != row]
        if changed:
            await self._run_many(UPSERT_ITEM, changed)
        self._seen[estimate.id] = rows

    async def _load(self, statement: Select, **parameters: Any) -> list[Estimate]:
        headers: dict[str, Mapping[str, Any]] = {}
        by_estimate: dict[str, list[dict[str, Any]]] = {}
        for row in await self._rows(statement, **parameters):
            headers.setdefault(row["id"], row)
            found = by_estimate.setdefault(row["id"], [])
            if row["line_item_id"] is not None:
                found.append({name: row[label.name] for name, label in LINE_COLUMNS.items()})
        for estimate_id, found in by_estimate.items():
            self._seen[estimate_id] = {
                item["item_id"]: {"tenant_id": self.tenant_id, **item} for item in found
            }
        return [_estimate(self.tenant_id, r, by_estimate[i]) for i, r in headers.items()]


def stale(estimate_id: str, version: int) -> VersionConflict:
    return VersionConflict(
        f"Estimate '{estimate_id}' was changed by someone else (you saw version {version}); "
        "reload it and apply your change again.",
        field="version",
    )
