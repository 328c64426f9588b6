"""Service level promises: how soon an order is scheduled and how soon it is resolved.

Each priority has a policy: a response target (the order is scheduled within it) and a
resolution target (the work is completed within it), both counted from the order's
creation. The defaults are the business's usual field-service promises:

    CRITICAL  1 h response,  4 h resolution
    HIGH      4 h response, 24 h resolution
    MEDIUM    8 h response, 72 h resolution
    LOW      24 h response, 120 h resolution

A target is AT_RISK once a share of its window (80% by default) has passed without it
being met, and BREACHED once its due time has passed without it being met (or it was
met late). Response is met by the first scheduling, resolution by completion; a
cancelled order's clocks stop. `now` is always given: the domain never reads the clock.

An order's instants are fixed by `deadlines_for` when it is created and judged by
`standing`; the SLA monitor reads them stored and asks `sla_alerts.alert_for` which
alert is due. `sla_clocks` and `due_alerts` judge an order straight from a policy,
through the same `deadlines_for`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Protocol

from domain.errors import InvalidInput, collect
from domain.service_orders.status import Priority, ServiceOrderStatus

DEFAULT_AT_RISK_SHARE = Decimal("0.8")
MICROSECOND = timedelta(microseconds=1)


class SlaTarget(StrEnum):
    RESPONSE = "response"
    RESOLUTION = "resolution"


class SlaState(StrEnum):
    ON_TRACK = "ON_TRACK"
    AT_RISK = "AT_RISK"
    BREACHED = "BREACHED"
    MET = "MET"
    STOPPED = "STOPPED"


class SlaSubject(Protocol):
    """What the SLA needs of an order (a ServiceOrder, or a row a monitor reads)."""

    @property
    def id(self) -> str: ...
    @property
    def customer_id(self) -> str: ...
    @property
    def priority(self) -> Priority: ...
    @property
    def status(self) -> ServiceOrderStatus: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def first_scheduled_at(self) -> datetime | None: ...
    @property
    def completed_at(self) -> datetime | None: ...


LONGEST_TARGET = timedelta(days=365)
"""An SLA target beyond a year promises nothing a customer could hold anyone to."""


def _positive(window: timedelta, field: str) -> InvalidInput | None:
    if window <= timedelta(0):
        return InvalidInput(f"{field} must be longer than zero; got {window}.", field=field)
    if window > LONGEST_TARGET:
        minutes = LONGEST_TARGET // timedelta(minutes=1)
        return InvalidInput(
            f"{field} is at most {minutes} minutes (a year); got {window}.", field=field
        )
    return None


def _share(share: Decimal) -> InvalidInput | None:
    if not share.is_finite() or not 0 < share < 1:
        return InvalidInput(
            f"The at-risk share is a fraction between 0 and 1, e.g. 0.8 for 80%; got {share}.",
            field="atRiskShare",
        )
    return None


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    response_within: timedelta
    resolution_within: timedelta
    at_risk_share: Decimal = DEFAULT_AT_RISK_SHARE

    def __post_init__(self) -> None:
        collect(
            _positive(self.response_within, "responseWithinMinutes"),
            _positive(self.resolution_within, "resolutionWithinMinutes"),
            _share(self.at_risk_share),
        )
        if self.resolution_within < self.response_within:
            raise InvalidInput(
                "The resolution target cannot be shorter than the response target.",
                field="resolutionWithinMinutes",
            )

    def window(self, target: SlaTarget) -> timedelta:
        return self.response_within if target is SlaTarget.RESPONSE else self.resolution_within


DEFAULT_POLICIES: Mapping[Priority, SlaPolicy] = {
    Priority.CRITICAL: SlaPolicy(timedelta(hours=1), timedelta(hours=4)),
    Priority.HIGH: SlaPolicy(timedelta(hours=4), timedelta(hours=24)),
    Priority.MEDIUM: SlaPolicy(timedelta(hours=8), timedelta(hours=72)),
    Priority.LOW: SlaPolicy(timedelta(hours=24), timedelta(hours=120)),
}


@dataclass(frozen=True, slots=True)
class SlaClock:
    """One target of one order as it stands at `now`."""

    order_id: str
    target: SlaTarget
    due_at: datetime
    at_risk_from: datetime
    met_at: datetime | None
    state: SlaState


@dataclass(frozen=True, slots=True)
class SlaAlert:
    """A warning or breach a monitor should publish once, under `key`."""

    order_id: str
    customer_id: str
    priority: Priority
    target: SlaTarget
    state: SlaState
    due_at: datetime
    detected_at: datetime

    @property
    def key(self) -> str:
        kind = "breached" if self.state is SlaState.BREACHED else "at_risk"
        return f"sla:{self.order_id}:{self.target}:{kind}"


def sla_clocks(
    order: SlaSubject, now: datetime, policies: Mapping[Priority, SlaPolicy] = DEFAULT_POLICIES
) -> tuple[SlaClock, SlaClock]:
    """The response and resolution clocks of `order` at `now`."""
    deadlines = deadlines_for(policies[order.priority], order.created_at)
    return (
        _clock(
            order,
            SlaTarget.RESPONSE,
            order.first_scheduled_at,
            deadlines.response_due_at,
            deadlines.response_at_risk_at,
            now,
        ),
        _clock(
            order,
            SlaTarget.RESOLUTION,
            order.completed_at,
            deadlines.resolution_due_at,
            deadlines.resolution_at_risk_at,
            now,
        ),
    )


def due_alerts(
    order: SlaSubject, now: datetime, policies: Mapping[Priority, SlaPolicy] = DEFAULT_POLICIES
) -> list[SlaAlert]:
    """Every (order, target) that is at risk or breached at `now`, ready to publish."""
    return [
        SlaAlert(order.id, order.customer_id, order.priority, c.target, c.state, c.due_at, now)
        for c in sla_clocks(order, now, policies)
        if c.state in (SlaState.AT_RISK, SlaState.BREACHED)
    ]


def _clock(
    order: SlaSubject,
    target: SlaTarget,
    met_at: datetime | None,
    due_at: datetime,
    at_risk_from: datetime,
    now: datetime,
) -> SlaClock:
    return SlaClock(
        order.id,
        target,
        due_at,
        at_risk_from,
        met_at,
        _state(order, met_at, due_at, at_risk_from, now),
    )


def _state(
    order: SlaSubject,
    met_at: datetime | None,
    due_at: datetime,
    at_risk_from: datetime,
    now: datetime,
) -> SlaState:
    if met_at is not None:
        return SlaState.BREACHED if met_at > due_at else SlaState.MET
    if order.status is ServiceOrderStatus.CANCELLED:
        return SlaState.STOPPED
    if now > due_at:
        return SlaState.BREACHED
    if now >= at_risk_from:
        return SlaState.AT_RISK
    return SlaState.ON_TRACK


@dataclass(frozen=True, slots=True)
class SlaDeadlines:
    """An order's SLA instants, fixed from its policy when it is created.

    A later policy change applies to orders created after it: a promise made to a
    customer does not move.
    """

    response_due_at: datetime
    resolution_due_at: datetime
    response_at_risk_at: datetime
    resolution_at_risk_at: datetime


@dataclass(frozen=True, slots=True)
class SlaStanding:
    """What an order's `sla` shows at `now`: its due times, at risk, breached."""

    response_due_at: datetime
    resolution_due_at: datetime
    response: SlaState
    resolution: SlaState

    @property
    def at_risk(self) -> bool:
        return SlaState.AT_RISK in (self.response, self.resolution)

    @property
    def breached(self) -> bool:
        return SlaState.BREACHED in (self.response, self.resolution)


def deadlines_for(policy: SlaPolicy, created_at: datetime) -> SlaDeadlines:
    """The due and at-risk instants of an order created at `created_at` under `policy`."""

    def at_risk(target: SlaTarget) -> datetime:
        window = policy.window(target) // MICROSECOND
        share = (Decimal(window) * policy.at_risk_share).to_integral_value(ROUND_HALF_UP)
        return created_at + int(share) * MICROSECOND

    return SlaDeadlines(
        response_due_at=created_at + policy.response_within,
        resolution_due_at=created_at + policy.resolution_within,
        response_at_risk_at=at_risk(SlaTarget.RESPONSE),
        resolution_at_risk_at=at_risk(SlaTarget.RESOLUTION),
    )


def standing(order: SlaSubject, deadlines: SlaDeadlines, now: datetime) -> SlaStanding:
    """Both targets of `order` at `now`, judged against its stored deadlines."""
    return SlaStanding(
        response_due_at=deadlines.response_due_at,
        resolution_due_at=deadlines.resolution_due_at,
        response=_state(
            order,
            order.first_scheduled_at,
            deadlines.response_due_at,
            deadlines.response_at_risk_at,
            now,
        ),
        resolution=_state(
            order,
            order.completed_at,
            deadlines.resolution_due_at,
            deadlines.resolution_at_risk_at,
            now,
        ),
    )
