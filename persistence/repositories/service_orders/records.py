"""What is recorded against service orders: work sessions, parts, the snapshot, the GL entries.

The order records them; its repository reads them with the order and, when it saves
the order, adds the ones recorded since it was read. Rows are only ever added, but for
a part declined later (its `declined` flag and the RETURN that gave its stock back). The
billable snapshot has one row per order (its primary key), and the GL entries one row
per order and account: the database refuses a second finalize or a second posting even
if two requests got past the order's own checks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from sqlalchemy import bindparam, insert, select, update

from domain.receivables.journal import Side
from domain.service_orders.acknowledgements import Acknowledgement, Awaited
from domain.service_orders.billing import BillableSnapshot, GlEntry, LaborLine
from domain.service_orders.order import ServiceOrder
from domain.service_orders.parts_usage import PartUsage
from domain.service_orders.work_sessions import WorkSession
from persistence.repositories.base import TenantRepository, of_tenant, one_of_param
from persistence.tables import (
    billing_snapshots,
    parts_usages,
    service_order_acknowledgements,
    service_order_gl_entries,
    work_sessions,
)

WS, PU, BS, GL = work_sessions.c, parts_usages.c, billing_snapshots.c, service_order_gl_entries.c
ADD_SESSION = insert(work_sessions)
ADD_PART = insert(parts_usages)
ADD_SNAPSHOT = insert(billing_snapshots)
POST_GL_ENTRY = insert(service_order_gl_entries)
PART_FIELDS = ("product_id", "sku", "quantity", "unit_price", "tax_code", "declined", "emergency")
STOCK_FIELDS = ("issued_quantity", "movement_id", "return_movement_id")
"""What a part took from stock and gave back: kept on its row, not in the bill's lines."""
DECLINE_PART = (
    update(parts_usages)
    .where(of_tenant(parts_usages), PU.id == bindparam("key_id"))
    .values(declined=bindparam("declined"), return_movement_id=bindparam("return_movement_id"))
)
SESSION_FIELDS = (
    "person_id",
    "start_time",
    "end_time",
    "break_duration_minutes",
    "billable_minutes",
    "recorded_by",
    "recorded_at",
    "work_type",
)
PARTS_TAKEN = select(PU.id).where(of_tenant(parts_usages), one_of_param(PU.id, "part_ids"))
SESSIONS = (
    select(WS.id, WS.service_order_id, *(WS[n] for n in SESSION_FIELDS))
    .where(of_tenant(work_sessions), one_of_param(WS.service_order_id, "order_ids"))
    .order_by(WS.start_time, WS.id)
)
PARTS = (
    select(parts_usages)
    .where(of_tenant(parts_usages), one_of_param(PU.service_order_id, "order_ids"))
    .order_by(PU.position, PU.id)
)
SNAPSHOTS = select(billing_snapshots).where(
    of_tenant(billing_snapshots), one_of_param(BS.service_order_id, "order_ids")
)
GL_ENTRIES = (
    select(service_order_gl_entries)
    .where(of_tenant(service_order_gl_entries), one_of_param(GL.service_order_id, "order_ids"))
    .order_by(GL.service_order_id, GL.side.desc(), GL.account)
)
ACK = service_order_acknowledgements.c
ACK_FIELDS = ("awaited_since", "acknowledged_at", "acknowledged_as", "overdue_at")
ADD_ACKNOWLEDGEMENT = insert(service_order_acknowledgements)
SETTLE_ACKNOWLEDGEMENT = (
    update(service_order_acknowledgements)
    .where(
        of_tenant(service_order_acknowledgements),
        ACK.service_order_id == bindparam("key_order"),
        ACK.awaited == bindparam("key_awaited"),
        ACK.reference == bindparam("key_reference"),
    )
    .values(
        acknowledged_at=bindparam("acknowledged_at"),
        acknowledged_as=bindparam("acknowledged_as"),
        overdue_at=bindparam("overdue_at"),
    )
)
ACKNOWLEDGEMENTS = (
    select(service_order_acknowledgements)
    .where(
        of_tenant(service_order_acknowledgements),
        one_of_param(ACK.service_order_id, "order_ids"),
    )
    .order_by(ACK.service_order_id)
)
"""The statements of loading and recording an order's records, built once (see `of_tenant`)."""


def _part(row: Mapping[str, Any]) -> PartUsage:
    return PartUsage(row["id"], *(row[name] for name in (*PART_FIELDS, *STOCK_FIELDS)))


def _part_line(part: PartUsage) -> dict[str, Any]:
    return {
        "workorder_part_id": part.workorder_part_id,
        **{n: getattr(part, n) for n in PART_FIELDS},
    }


def _snapshot_row(snapshot: BillableSnapshot) -> dict[str, Any]:
    return {
        "snapshot_id": snapshot.snapshot_id,
        "captured_at": snapshot.captured_at,
        "finalized_by": snapshot.finalized_by,
        "po_number": snapshot.po_number,
        "parts_total": snapshot.parts_total,
        "labor_total": snapshot.labor_total,
        "tax_total": snapshot.tax_total,
        "grand_total": snapshot.grand_total,
        "currency": snapshot.currency,
        "lines": {
            "parts": [_part_line(p) for p in snapshot.parts],
            "labor": [
                {
                    "session_id": line.session_id,
                    "person_id": line.person_id,
                    "billable_minutes": line.billable_minutes,
                    "amount": line.amount,
                }
                for line in snapshot.labor
            ],
            "labor_tax_code": snapshot.labor_tax_code,
        },
    }


def _snapshot(row: Mapping[str, Any]) -> BillableSnapshot:
    lines = row["lines"]
    return BillableSnapshot(
        snapshot_id=row["snapshot_id"],
        captured_at=row["captured_at"],
        parts=tuple(PartUsage(**line) for line in lines["parts"]),
        labor=tuple(LaborLine(**line) for line in lines["labor"]),
        parts_total=row["parts_total"],
        labor_total=row["labor_total"],
        tax_total=row["tax_total"],
        grand_total=row["grand_total"],
        currency=row["currency"],
        finalized_by=row["finalized_by"],
        po_number=row["po_number"],
        labor_tax_code=lines.get("labor_tax_code"),
    )


class StoredOrder(NamedTuple):
    """What the tables hold of an order: its row's changing columns and its records."""

    header: dict[str, Any]
    work_sessions: tuple[WorkSession, ...]
    parts: tuple[PartUsage, ...]
    snapshot: BillableSnapshot | None
    gl_entries: tuple[GlEntry, ...]
    acknowledgements: tuple[Acknowledgement, ...] = ()


class OrderRecordRepository(TenantRepository):
    table = work_sessions

    async def part_ids_taken(self, part_ids: Sequence[str]) -> set[str]:
        return {row["id"] for row in await self._rows(PARTS_TAKEN, part_ids=list(part_ids))}

    async def add(self, order: ServiceOrder, before: StoredOrder) -> None:
        """Store what `order` recorded since it was read as `before`."""
        stored = {s.session_id for s in before.work_sessions}
        await self._run_many(
            ADD_SESSION,
            [
                {
                    "id": session.session_id,
                    "service_order_id": order.id,
                    **{name: getattr(session, name) for name in SESSION_FIELDS},
                }
                for session in order.work_sessions
                if session.session_id not in stored
            ],
        )
        stored_parts = {p.workorder_part_id: p for p in before.parts}
        await self._run_many(
            ADD_PART,
            [
                {
                    "id": part.workorder_part_id,
                    "service_order_id": order.id,
                    "position": position,
                    **{name: getattr(part, name) for name in (*PART_FIELDS, *STOCK_FIELDS)},
                }
                for position, part in enumerate(order.parts, start=1)
                if part.workorder_part_id not in stored_parts
            ],
        )
        await self._run_many(
            DECLINE_PART,
            [
                {
                    "key_id": part.workorder_part_id,
                    "declined": part.declined,
                    "return_movement_id": part.return_movement_id,
                }
                for part in order.parts
                if part.workorder_part_id in stored_parts
                and stored_parts[part.workorder_part_id] != part
            ],
        )
        if order.snapshot is not None and before.snapshot is None:
            await self._run(
                ADD_SNAPSHOT, service_order_id=order.id, **_snapshot_row(order.snapshot)
            )
        if order.gl_entries and not before.gl_entries:
            await self._post(order)
        await self._add_acknowledgements(order, before)

    async def _add_acknowledgements(self, order: ServiceOrder, before: StoredOrder) -> None:
        """Insert what the order awaits since it was read; update what was acknowledged
        or flagged overdue since."""
        stored = {a.key: a for a in before.acknowledgements}
        await self._run_many(
            ADD_ACKNOWLEDGEMENT,
            [
                {
                    "service_order_id": order.id,
                    "awaited": a.awaited.value,
                    "reference": a.reference,
                    **{name: getattr(a, name) for name in ACK_FIELDS},
                }
                for a in order.acknowledgements
                if a.key not in stored
            ],
        )
        await self._run_many(
            SETTLE_ACKNOWLEDGEMENT,
            [
                {
                    "key_order": order.id,
                    "key_awaited": a.awaited.value,
                    "key_reference": a.reference,
                    "acknowledged_at": a.acknowledged_at,
                    "acknowledged_as": a.acknowledged_as,
                    "overdue_at": a.overdue_at,
                }
                for a in order.acknowledgements
                if a.key in stored and stored[a.key] != a
            ],
        )

    async def _post(self, order: ServiceOrder) -> None:
        assert order.snapshot is not None and order.billed_at is not None, "billed orders only"
        await self._run_many(
            POST_GL_ENTRY,
            [
                {
                    "service_order_id": order.id,
                    "account": e.account,
                    "account_name": e.account_name,
                    "side": e.side.value,
                    "amount": e.amount,
                    "currency": order.snapshot.currency,
                    "posted_at": order.billed_at,
                }
                for e in order.gl_entries
            ],
        )

    async def attach(self, orders: Mapping[str, ServiceOrder]) -> None:
        """Fill each order's sessions, parts, snapshot, GL entries and acknowledgements
        (5 statements)."""
        ids = list(orders)
        for row in await self._rows(SESSIONS, order_ids=ids):
            orders[row["service_order_id"]].work_sessions.append(
                WorkSession(row["id"], *(row[n] for n in SESSION_FIELDS))
            )
        for row in await self._rows(PARTS, order_ids=ids):
            orders[row["service_order_id"]].parts.append(_part(row))
        for row in await self._rows(SNAPSHOTS, order_ids=ids):
            orders[row["service_order_id"]].snapshot = _snapshot(row)
        posted: dict[str, list[GlEntry]] = {}
        for row in await self._rows(GL_ENTRIES, order_ids=ids):
            posted.setdefault(row["service_order_id"], []).append(
                GlEntry(row["account"], row["account_name"], Side(row["side"]), row["amount"])
            )
        for order_id, entries in posted.items():
            orders[order_id].gl_entries = tuple(entries)
        for row in await self._rows(ACKNOWLEDGEMENTS, order_ids=ids):
            orders[row["service_order_id"]].acknowledgements.append(
                Acknowledgement(
                    Awaited(row["awaited"]), row["reference"], *(row[n] for n in ACK_FIELDS)
                )
            )
        for order in orders.values():
            order.acknowledgements.sort(key=lambda a: a.rank)
