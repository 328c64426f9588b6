"""The SLA monitor's side of persistence: the deadlines due, and the alerts raised.

- `CrossTenantDeadlineScan` reads due deadlines of *every* tenant: it is the monitor's
  own plumbing (like the outbox relay's store), not a tenant's repository, and is the
  only reader here that crosses tenants, so its statements run through the plain
  driver, where no tenant is filled in or required. It walks the partial indexes on open orders'
  at-risk instants, so it touches only open orders whose warning time has come.
- `SlaAlertRepository` stores, inside a tenant's unit of work, the alerts raised: an
  insert that does nothing when the (tenant, order, target, kind) row is already there,
  and tracks only the alerts it inserted, so the unit of work publishes the events of
  those alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    DateTime,
    Select,
    String,
    any_,
    bindparam,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.service_orders.sla import SlaTarget
from domain.service_orders.sla_alerts import AlertKind, RaisedAlert, SlaDeadline, alert_key
from domain.service_orders.status import Priority
from persistence.driver import standalone
from persistence.repositories.aggregates import AggregateRepository
from persistence.repositories.base import of_tenant
from persistence.tables import service_orders, sla_alerts
from persistence.tables.service_orders import OPEN
from persistence.tables.sla import UNSCHEDULED

orders = service_orders.c
UNMET = {SlaTarget.RESPONSE: UNSCHEDULED, SlaTarget.RESOLUTION: OPEN}
"""Each target's "still unmet" predicate, the SQL text of its partial index's WHERE."""


def _array(name: str, item: Any) -> Any:
    return bindparam(name, type_=ARRAY(item))


_NEW_ALERTS = (
    func.unnest(
        _array("order_ids", String),
        _array("targets", String),
        _array("kinds", String),
        _array("location_ids", String),
        _array("priorities", String),
        _array("due_ats", DateTime(timezone=True)),
        _array("raised_ats", DateTime(timezone=True)),
    )
    .table_valued(
        "service_order_id", "target", "kind", "location_id", "priority", "due_at", "raised_at"
    )
    .render_derived(name="new_alerts")
)
CLAIM = (
    upsert(sla_alerts)
    .from_select(
        [c.name for c in sla_alerts.c],
        select(bindparam("tenant_id", type_=String), *_NEW_ALERTS.c),
    )
    .on_conflict_do_nothing(index_elements=["tenant_id", "service_order_id", "target", "kind"])
    .returning(sla_alerts.c.service_order_id, sla_alerts.c.target, sla_alerts.c.kind)
)
"""Every alert of a claim in one statement built once, inserted in the arrays' order."""
STILL_UNMET = (
    select(
        orders.id,
        *(literal_column(f"({unmet})").label(t.value) for t, unmet in UNMET.items()),
    )
    .where(of_tenant(service_orders), orders.id == any_(_array("order_ids", String)))
    .order_by(orders.id)
    .with_for_update()
)
BY_KEY = select(sla_alerts).where(
    of_tenant(sla_alerts),
    sla_alerts.c.service_order_id == bindparam("order_id"),
    sla_alerts.c.target == bindparam("target"),
    sla_alerts.c.kind == bindparam("kind"),
)


def _alerted(target: SlaTarget, kind: AlertKind) -> Any:
    """Whether the order's alert of `kind` was published: one primary-key probe per order.

    A scalar subquery with LIMIT rather than EXISTS, which PostgreSQL turns into a join
    (hashing every alert ever raised, a table that only grows) or, with stale statistics,
    a nested loop over every alert per order: 1 s per round at 100,000 orders. Probing
    the primary key costs microseconds per open order at risk.
    """
    probe = (
        select(literal(True))
        .where(
            sla_alerts.c.tenant_id == orders.tenant_id,
            sla_alerts.c.service_order_id == orders.id,
            sla_alerts.c.target == target.value,
            sla_alerts.c.kind == kind.value,
        )
        .limit(1)
        .scalar_subquery()
    )
    return probe.is_not(None)


def _unmet(target: SlaTarget, horizon: datetime) -> Select:
    """Open orders whose `target` is unmet, at risk by `horizon`, and not yet fully alerted.

    The open-order predicate is written as the partial indexes' own SQL text (not bound
    parameters), so the planner can prove the index applies.
    """
    at_risk_at, due_at = orders[f"{target.value}_at_risk_at"], orders[f"{target.value}_due_at"]
    warned = _alerted(target, AlertKind.AT_RISK)
    return select(
        orders.tenant_id,
        orders.id.label("order_id"),
        orders.customer_id,
        orders.location_id,
        orders.priority,
        literal(target.value).label("target"),
        at_risk_at.label("at_risk_at"),
        due_at.label("due_at"),
        warned.label("warned"),
    ).where(
        text(UNMET[target]),
        at_risk_at <= horizon,
        not_(_alerted(target, AlertKind.BREACHED)),
        or_(due_at <= horizon, not_(warned)),
    )


def _deadline(row: Mapping[str, Any]) -> SlaDeadline:
    return SlaDeadline(
        tenant_id=row["tenant_id"],
        order_id=row["order_id"],
        customer_id=row["customer_id"],
        location_id=row["location_id"],
        priority=Priority(row["priority"]),
        target=SlaTarget(row["target"]),
        at_risk_at=row["at_risk_at"],
        due_at=row["due_at"],
        warned=row["warned"],
    )


class CrossTenantDeadlineScan:
    """Due SLA deadlines across all tenants, for the monitor only.

    Not a tenant repository: it reads every tenant's orders. Each method runs one
    statement outside any transaction (`standalone`): the scan pays no BEGIN and
    ROLLBACK, and the statistics ANALYZE writes are kept without a COMMIT (a rolled-back
    transaction would discard them).
    """

    def __init__(self, engine: AsyncEngine):
        self._engine = engine

    async def due_by(self, horizon: datetime, limit: int) -> list[SlaDeadline]:
        """Unmet deadlines whose next alert falls at or before `horizon`, soonest first."""
        both = union_all(
            _unmet(SlaTarget.RESPONSE, horizon), _unmet(SlaTarget.RESOLUTION, horizon)
        ).subquery()
        statement = select(both).order_by(both.c.at_risk_at).limit(limit)
        async with standalone(self._engine) as driver:
            rows = await driver.rows(statement, {})
        return [_deadline(row) for row in rows]

    async def refresh_statistics(self) -> None:
        """ANALYZE `sla_alerts`, so the planner knows how many alerts the scan probes.

        Called by the monitor after it published many alerts: autovacuum's own ANALYZE
        may come a minute later, and until then a plan made for an empty table scans
        every alert for every open order.
        """
        async with standalone(self._engine) as driver:
            await driver.run(text("ANALYZE sla_alerts"), {})


class SlaAlertRepository(AggregateRepository[RaisedAlert]):
    """The alerts raised for a tenant's orders, each stored once: the record that makes
    its event published once."""

    table = sla_alerts
    noun = "SLA alert"

    async def claim(self, raised: Sequence[RaisedAlert]) -> list[RaisedAlert]:
        """Store those of `raised` not stored before, tracked for the unit of work to
        publish their events on commit; the alerts stored, in key order.

        Only alerts whose target is still unmet are claimed (see `_still_unmet`). Orders
        are locked and alerts inserted in key order, so two replicas claiming
        overlapping alerts lock them in the same order: one waits for the other instead
        of deadlocking, then inserts nothing where the other did, so the event of each
        alert reaches the outbox once.
        """
        unmet = sorted(await self._still_unmet(raised), key=lambda r: r.record_key)
        if not unmet:
            return []
        won = {
            (row["service_order_id"], row["target"], row["kind"])
            for row in await self._rows(
                CLAIM,
                order_ids=[r.order_id for r in unmet],
                targets=[r.target.value for r in unmet],
                kinds=[r.kind.value for r in unmet],
                location_ids=[r.location_id for r in unmet],
                priorities=[r.priority.value for r in unmet],
                due_ats=[r.due_at for r in unmet],
                raised_ats=[r.raised_at for r in unmet],
            )
        }
        return [self.track(r) for r in unmet if r.record_key in won]

    async def _still_unmet(self, raised: Sequence[RaisedAlert]) -> list[RaisedAlert]:
        """Those of `raised` whose target is still unmet, their orders locked until commit.

        The scan read the orders without a lock: one scheduled or completed since has met
        its target and must not be alerted. With the rows locked, a change running now
        either committed before (and is seen here) or waits for this claim to commit.
        """
        if not raised:
            return []
        ids = sorted({r.order_id for r in raised})
        unmet = {
            (row["id"], target)
            for row in await self._rows(STILL_UNMET, order_ids=ids)
            for target in SlaTarget
            if row[target.value]
        }
        return [r for r in raised if (r.order_id, r.target) in unmet]

    async def _read(self, alert_id: str, lock: bool) -> RaisedAlert | None:
        key = alert_key(alert_id)
        if key is None:
            return None
        order_id, target, kind = key
        row = await self._row(BY_KEY, order_id=order_id, target=target, kind=kind)
        return None if row is None else _alert(row)

    def _stored_form(self, alert: RaisedAlert) -> dict[str, Any]:
        return {
            "service_order_id": alert.order_id,
            "target": alert.target.value,
            "kind": alert.kind.value,
            "location_id": alert.location_id,
            "priority": alert.priority.value,
            "due_at": alert.due_at,
            "raised_at": alert.raised_at,
        }

    async def _save(self, alert: RaisedAlert, before: dict[str, Any]) -> None:
        raise TypeError(
            f"SLA alert {alert.id} recorded an event after it was raised; an alert is "
            "raised once and never changes"
        )

    async def breaches_since(self, since: datetime, location_id: str | None) -> dict[str, int]:
        """Breach alerts raised at or after `since`, counted per location."""
        alerts = sla_alerts.c
        statement = (
            select(alerts.location_id, func.count())
            .where(
                of_tenant(sla_alerts),
                alerts.kind == AlertKind.BREACHED.value,
                alerts.raised_at >= since,
            )
            .group_by(alerts.location_id)
        )
        if location_id is not None:
            statement = statement.where(alerts.location_id == location_id)
        return {location: int(count) for location, count in await self._rows(statement)}


def _alert(row: Mapping[str, Any]) -> RaisedAlert:
    return RaisedAlert(
        order_id=row["service_order_id"],
        target=SlaTarget(row["target"]),
        kind=AlertKind(row["kind"]),
        location_id=row["location_id"],
        priority=Priority(row["priority"]),
        due_at=row["due_at"],
        raised_at=row["raised_at"],
    )
