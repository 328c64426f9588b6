"""What the SLA monitor raises for one unmet deadline, and when.

The monitor reads each open order's unmet targets with their stored instants (an
`SlaDeadline`: `at_risk_at` and `due_at`, fixed from the tenant's policy when the order
was created) and asks `alert_for` which alert, if any, is due at `now`:

- BREACHED once `now` is past `due_at` (the same strict "after" as `sla.py`);
- AT_RISK from `at_risk_at` (the policy's share of the window, 80% by default) until then.

A deadline found already breached gets only the breach: a warning about a promise
already broken tells nobody anything. Each alert is raised at most once per order,
target and kind: a `RaisedAlert` is an aggregate of its own under that key, which
records its event (`SlaAtRisk` or `SlaBreached`) when it is raised; of two monitors
raising the same alert, only the one whose alert is stored first has its event
published (persistence decides). The event is about the order (aggregate type
`service_order`) and carries its location, so dashboards filter without a lookup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from domain.events import DomainEvent
from domain.service_orders.events import SERVICE_ORDER
from domain.service_orders.sla import SlaTarget
from domain.service_orders.status import Priority


class AlertKind(StrEnum):
    AT_RISK = "at_risk"
    BREACHED = "breached"


AlertRecordKey = tuple[str, str, str]
"""(order id, target, kind): what makes an alert unique within its tenant."""


@dataclass(frozen=True, kw_only=True)
class SlaAlertFacts(DomainEvent):
    """A target of the order `aggregate_id` is at risk or breached, seen at `occurred_at`."""

    aggregate_type = SERVICE_ORDER
    kind: ClassVar[AlertKind]

    customer_id: str
    location_id: str
    priority: Priority
    target: SlaTarget
    due_at: datetime


@dataclass(frozen=True, kw_only=True)
class SlaAtRisk(SlaAlertFacts):
    """The policy's share of a target's window has passed with the target unmet."""

    kind = AlertKind.AT_RISK


@dataclass(frozen=True, kw_only=True)
class SlaBreached(SlaAlertFacts):
    """A target's due time has passed with the target unmet."""

    kind = AlertKind.BREACHED


EVENTS = (SlaBreached, SlaAtRisk)
FACTS_OF: dict[AlertKind, type[SlaAlertFacts]] = {event.kind: event for event in EVENTS}


@dataclass(frozen=True, slots=True)
class SlaDeadline:
    """One unmet target of one open order, as the monitor's scan reads it."""

    tenant_id: str
    order_id: str
    customer_id: str
    location_id: str
    priority: Priority
    target: SlaTarget
    at_risk_at: datetime
    due_at: datetime
    warned: bool = False
    """An at-risk alert for this target was already published."""

    def next_alert_at(self) -> datetime:
        """When this deadline next calls for an alert (the breach once it is warned)."""
        return self.due_at if self.warned else self.at_risk_at


@dataclass(frozen=True, eq=False)
class RaisedAlert:
    """An alert raised once for an order's target, never changed afterwards.

    Raising it (`raise_for`) records its event; the record of the alert is what makes it
    once only, so nothing about it changes after and it records nothing more.
    """

    order_id: str
    target: SlaTarget
    kind: AlertKind
    location_id: str
    priority: Priority
    due_at: datetime
    raised_at: datetime
    version: int = 1
    events: list[DomainEvent] = field(default_factory=list, repr=False)

    @classmethod
    def raise_for(cls, deadline: SlaDeadline, kind: AlertKind, now: datetime) -> RaisedAlert:
        alert = cls(
            order_id=deadline.order_id,
            target=deadline.target,
            kind=kind,
            location_id=deadline.location_id,
            priority=deadline.priority,
            due_at=deadline.due_at,
            raised_at=now,
        )
        alert.events.append(
            FACTS_OF[kind](
                aggregate_id=deadline.order_id,
                tenant_id=deadline.tenant_id,
                occurred_at=now,
                customer_id=deadline.customer_id,
                location_id=deadline.location_id,
                priority=deadline.priority,
                target=deadline.target,
                due_at=deadline.due_at,
            )
        )
        return alert

    @property
    def record_key(self) -> AlertRecordKey:
        return self.order_id, self.target.value, self.kind.value

    @property
    def id(self) -> str:
        """The alert's key as one string: `SO-7:response:breached`."""
        return ":".join(self.record_key)


def alert_for(deadline: SlaDeadline, now: datetime) -> RaisedAlert | None:
    """The alert `deadline` calls for at `now`, or None (not yet due, or already warned)."""
    if now > deadline.due_at:
        return RaisedAlert.raise_for(deadline, AlertKind.BREACHED, now)
    if now >= deadline.at_risk_at and not deadline.warned:
        return RaisedAlert.raise_for(deadline, AlertKind.AT_RISK, now)
    return None


def alert_key(alert_id: str) -> AlertRecordKey | None:
    """The (order, target, kind) an alert's `id` names, or None if it names none."""
    parts = alert_id.rsplit(":", 2)
    if len(parts) != 3:
        return None
    order_id, target, kind = parts
    if target not in {t.value for t in SlaTarget} or kind not in {k.value for k in AlertKind}:
        return None
    return order_id, target, kind
