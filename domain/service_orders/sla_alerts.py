"""What the SLA monitor publishes for one unmet deadline, and when.

The monitor reads each open order's unmet targets with their stored instants (an
`SlaDeadline`: `at_risk_at` and `due_at`, fixed from the tenant's policy when the order
was created) and asks `alert_for` which alert, if any, is due at `now`:

- BREACHED once `now` is past `due_at` (the same strict "after" as `sla.py`);
- AT_RISK from `at_risk_at` (the policy's share of the window, 80% by default) until then.

A deadline found already breached gets only the breach: a warning about a promise
already broken tells nobody anything. Each alert is published at most once per order,
target and kind; remembering which were published is persistence's job (`alert.key`).
The event carries the order's location so dashboards can filter without a lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from domain.service_orders.events import SERVICE_ORDER
from domain.service_orders.sla import SlaAlert, SlaState, SlaTarget
from domain.service_orders.status import Priority


class AlertKind(StrEnum):
    AT_RISK = "at_risk"
    BREACHED = "breached"


AlertRecordKey = tuple[str, str, str]
"""(order id, target, kind): what makes an alert unique within its tenant."""


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


@dataclass(frozen=True, slots=True)
class RaisedAlert:
    """An alert due now, with what its event and its exactly-once record need."""

    deadline: SlaDeadline
    alert: SlaAlert

    @property
    def kind(self) -> AlertKind:
        return AlertKind.BREACHED if self.alert.state is SlaState.BREACHED else AlertKind.AT_RISK

    @property
    def record_key(self) -> AlertRecordKey:
        return self.deadline.order_id, self.deadline.target.value, self.kind.value

    @property
    def event_type(self) -> str:
        return self.alert.event_type

    @property
    def aggregate_type(self) -> str:
        return SERVICE_ORDER

    def payload(self) -> dict[str, Any]:
        return {**self.alert.payload(), "locationId": self.deadline.location_id}


def alert_for(deadline: SlaDeadline, now: datetime) -> RaisedAlert | None:
    """The alert `deadline` calls for at `now`, or None (not yet due, or already warned)."""
    if now > deadline.due_at:
        state = SlaState.BREACHED
    elif now >= deadline.at_risk_at and not deadline.warned:
        state = SlaState.AT_RISK
    else:
        return None
    alert = SlaAlert(
        deadline.order_id,
        deadline.customer_id,
        deadline.priority,
        deadline.target,
        state,
        deadline.due_at,
        now,
    )
    return RaisedAlert(deadline, alert)
