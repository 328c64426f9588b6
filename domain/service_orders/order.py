"""The service order aggregate: its lifecycle and the facts each step records.

Methods check the rule, change the order (its work sessions, parts, snapshot and GL
entries included, which its repository saves) and append typed past-tense events
(`domain/service_orders/events.py`) to `events`, which the unit of work moves to the
outbox. Every instant is passed in by the caller: the domain never reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from domain.checks import check_text
from domain.errors import DomainError, InvalidInput, NotFound, collect
from domain.events import DomainEvent
from domain.finance.periods import FinancialPeriod
from domain.instants import utc_text
from domain.service_orders.acknowledgements import (
    BILLING_WAITS_FOR,
    Acknowledgement,
    AcknowledgementFact,
    AcknowledgementOverdue,
    Awaited,
    AwaitingAcknowledgement,
    acknowledged,
    first_pending,
    overdue,
)
from domain.service_orders.billing import (
    BillableSnapshot,
    BillableSnapshotMissing,
    GlEntry,
    SnapshotAlreadyFinalized,
    capture_snapshot,
)
from domain.service_orders.events import (
    PartsUsageRecorded,
    RecordedPart,
    ServiceOrderBilled,
    ServiceOrderCompleted,
    ServiceOrderReadyForBilling,
    ServiceOrderScheduled,
    ServiceOrderStatusChanged,
    SnapshotFinalized,
    WorkSessionRecorded,
    check_instant,
)
from domain.service_orders.items import OrderItem
from domain.service_orders.parts_usage import PartUsage
from domain.service_orders.sla import SlaDeadlines
from domain.service_orders.status import (
    InvalidTransition,
    Priority,
    ServiceOrderStatus,
    require_move,
)
from domain.service_orders.work_sessions import (
    InvalidSessionTimes,
    Person,
    WorkSession,
    check_work_session,
)
from domain.tax import TaxCode

S = ServiceOrderStatus


EARLIEST_WORK = datetime(2000, 1, 1, tzinfo=UTC)


class OverlappingWorkSession(DomainError):
    code = "OVERLAPPING_WORK_SESSION"


class DuplicateWorkSession(DomainError):
    code = "DUPLICATE_WORK_SESSION"


class PartUsageNotFound(NotFound):
    code = "PART_USAGE_NOT_FOUND"

    def __init__(self, part_id: str):
        super().__init__("Part usage", part_id)
        self.field = "workorderPartId"


class PartAlreadyDeclined(DomainError):
    code = "PART_ALREADY_DECLINED"


class BillingBeforeCompletion(DomainError):
    code = "BILLING_BEFORE_COMPLETION"


class ServiceOrderNotFound(NotFound):
    code = "SERVICE_ORDER_NOT_FOUND"

    def __init__(self, order_id: str):
        super().__init__("Service order", order_id)
        self.field = "serviceOrderId"


@dataclass(slots=True, eq=False)
class ServiceOrder:
    id: str
    tenant_id: str
    customer_id: str
    vehicle_id: str
    location_id: str
    priority: Priority
    description: str
    created_at: datetime
    status: ServiceOrderStatus = S.REQUESTED
    estimate_id: str | None = None
    items: tuple[OrderItem, ...] = ()
    schedule_start: datetime | None = None
    schedule_end: datetime | None = None
    first_scheduled_at: datetime | None = None
    technician_id: str | None = None
    appointment_id: str | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    resolution_code: str | None = None
    cancelled_at: datetime | None = None
    cancellation_reason: str | None = None
    contract_id: str | None = None
    work_sessions: list[WorkSession] = field(default_factory=list)
    parts: list[PartUsage] = field(default_factory=list)
    snapshot: BillableSnapshot | None = None
    billed_at: datetime | None = None
    gl_entries: tuple[GlEntry, ...] = ()
    deadlines: SlaDeadlines | None = None
    acknowledgements: list[Acknowledgement] = field(default_factory=list)
    """What the order awaits or awaited from People, Order and Accounting (fail-closed)."""
    version: int = 1
    events: list[DomainEvent] = field(default_factory=list)

    def schedule(
        self,
        start: datetime,
        end: datetime,
        at: datetime,
        by: str,
        appointment_id: str | None = None,
    ) -> None:
        """Book the visit; may be rebooked until work starts (the status then stays).

        `appointment_id` is Shop Management's appointment the visit fulfils, when it was
        booked there; status changes carry it so ShopMgmt can move its appointment along.
        A rebooking without one keeps the appointment the order had.
        """
        target = S.DISPATCHED if self.status is S.DISPATCHED else S.SCHEDULED
        require_move(self.id, self.status, target, "be scheduled")
        collect(check_instant(start, "scheduleStart"), check_instant(end, "scheduleEnd"))
        if start >= end:
            raise InvalidInput(
                f"The visit must start before it ends; got {utc_text(start)} to {utc_text(end)}.",
                field="scheduleEnd",
            )
        if appointment_id is not None:
            collect(
                check_text(
                    appointment_id, "appointmentId", "Name the appointment, or leave it out.", 64
                )
            )
            self.appointment_id = appointment_id.strip()
        self.schedule_start, self.schedule_end = start, end
        self.first_scheduled_at = self.first_scheduled_at or at
        self.events.append(
            ServiceOrderScheduled(**self._about(at), schedule_start=start, schedule_end=end)
        )
        self._move(target, at, by)

    def dispatch(self, technician_id: str, at: datetime, by: str) -> None:
        """A technician is assigned (TechnicianAssignedEvent); reassigning keeps the status."""
        require_move(self.id, self.status, S.DISPATCHED, "be dispatched")
        collect(check_text(technician_id, "technicianId", "Name the technician to assign.", 64))
        self.technician_id = technician_id.strip()
        self._move(S.DISPATCHED, at, by)

    def start_work(self, at: datetime, by: str) -> None:
        require_move(self.id, self.status, S.IN_PROGRESS, "start work")
        self.started_at = at
        self._move(S.IN_PROGRESS, at, by)

    def complete(
        self, completion_time: datetime, resolution_code: str, now: datetime, by: str
    ) -> None:
        """Work is done at `completion_time`, which may be earlier than `now` (the order
        is closed after the fact) but not later: nobody reports work not yet finished."""
        require_move(self.id, self.status, S.COMPLETED, "be completed")
        collect(
            check_instant(completion_time, "completionTime")
            or _not_in_the_future(completion_time, now),
            check_text(
                resolution_code, "resolutionCode", "Enter a resolution code, e.g. RESOLVED.", 64
            ),
        )
        if self.started_at and completion_time < self.started_at:
            raise InvalidInput(
                f"Work cannot be completed ({utc_text(completion_time)}) before it started "
                f"({utc_text(self.started_at)}).",
                field="completionTime",
            )
        self.completed_at = completion_time
        self.resolution_code = resolution_code.strip()
        self.events.append(
            ServiceOrderCompleted(
                **self._about(completion_time),
                completion_time=completion_time,
                resolution_code=self.resolution_code,
            )
        )
        self._move(S.COMPLETED, completion_time, by)

    def cancel(self, reason: str, at: datetime, by: str) -> None:
        require_move(self.id, self.status, S.CANCELLED, "be cancelled")
        collect(check_text(reason, "reason", "Say why the order is cancelled.", 1000))
        self.cancelled_at, self.cancellation_reason = at, reason.strip()
        self._move(S.CANCELLED, at, by, reason=self.cancellation_reason)

    def mark_covered(self, contract_id: str) -> None:
        """A contract entitles the customer to this work (ContractEntitlementValidatedEvent)."""
        if self.status in (S.BILLED, S.CANCELLED):
            raise InvalidTransition(self.id, self.status, "be marked as covered by a contract")
        collect(
            check_text(contract_id, "contractId", "Name the contract that covers the order.", 64)
        )
        self.contract_id = contract_id.strip()

    def record_work_session(
        self, session: WorkSession, person: Person | None, recorder: Person | None
    ) -> None:
        """Labor is logged while work runs or after it, until the bill is finalized."""
        self._require_open_for_work("record a work session")
        check_work_session(session, person, recorder, self.location_id)
        if any(s.session_id == session.session_id for s in self.work_sessions):
            raise DuplicateWorkSession(
                f"Work session {session.session_id} is already recorded on {self.id}.",
                field="workSessionId",
            )
        self._check_session_fits(session)
        self.work_sessions.append(session)
        self._await(Awaited.WORK_SESSION_COMPLETED, session.session_id, session.recorded_at)
        self.events.append(
            WorkSessionRecorded(
                **self._about(session.recorded_at),
                work_session_id=session.session_id,
                person_id=session.person_id,
                location_id=self.location_id,
                start_time=session.start_time,
                end_time=session.end_time,
                break_duration_minutes=session.break_duration_minutes,
                billable_minutes=session.billable_minutes,
                work_type=session.work_type,
                recorded_by=session.recorded_by,
            )
        )

    def _check_session_fits(self, session: WorkSession) -> None:
        """Time worked is over when recorded, starts in this era of the business (a 1970
        start is an unset clock, not work), and one person is not on the order twice at
        once. Sessions may be keyed in long after the work, so no nearer bound is set."""
        if session.start_time < EARLIEST_WORK:
            raise InvalidSessionTimes(
                f"The session starts ({utc_text(session.start_time)}), before "
                f"{utc_text(EARLIEST_WORK)}; check the start time.",
                field="startTime",
            )
        if session.end_time > session.recorded_at:
            raise InvalidSessionTimes(
                f"The session ends ({utc_text(session.end_time)}) after it is recorded "
                f"({utc_text(session.recorded_at)}); record time once it is worked.",
                field="endTime",
            )
        for other in self.work_sessions:
            if (
                other.person_id == session.person_id
                and other.start_time < session.end_time
                and session.start_time < other.end_time
            ):
                raise OverlappingWorkSession(
                    f"{session.person_id} already has session {other.session_id} on "
                    f"{self.id} from {utc_text(other.start_time)} to "
                    f"{utc_text(other.end_time)}; one person's sessions cannot overlap.",
                    field="startTime",
                )

    def record_parts_usage(self, part: PartUsage) -> None:
        self._require_open_for_work("record parts usage")
        self.parts.append(part)

    def record_stock_issue(self, part_id: str, issued: Decimal, movement_id: str | None) -> None:
        """The ledger issued `issued` of a part recorded in this change (`movement_id`,
        None if it had none to issue)."""
        self._replace_part(part_id, issued_quantity=issued, movement_id=movement_id)

    def decline_part(self, part_id: str) -> PartUsage:
        """The customer declined a part (or it came off the vehicle): it stays on the
        record, is never billed, and what it took from stock goes back (the caller
        records the RETURN with `record_stock_return`). Returns the part as it was."""
        self._require_open_for_work("decline a part")
        part = self._part(part_id)
        if part.declined:
            raise PartAlreadyDeclined(
                f"Part usage {part_id} on {self.id} is already declined; its stock, if it "
                "took any, was given back then.",
                field="workorderPartId",
            )
        self._replace_part(part_id, declined=True)
        return part

    def record_stock_return(self, part_id: str, movement_id: str) -> None:
        self._replace_part(part_id, return_movement_id=movement_id)

    def _part(self, part_id: str) -> PartUsage:
        for part in self.parts:
            if part.workorder_part_id == part_id:
                return part
        raise PartUsageNotFound(part_id)

    def _replace_part(self, part_id: str, **changes: Any) -> None:
        index = self.parts.index(self._part(part_id))
        self.parts[index] = replace(self.parts[index], **changes)

    def finalize(
        self,
        snapshot_id: str,
        at: datetime,
        finalized_by: str,
        labor_rate: Decimal,
        labor_tax_code: str | None,
        tax_codes: Mapping[str, TaxCode],
        currency: str,
        po_number: str | None = None,
    ) -> BillableSnapshot:
        """Freeze what the customer will be billed for; a completed order finalizes once,
        when People has confirmed its work sessions. Billing then waits for Order's sales
        order and Accounting's revenue record of the snapshot."""
        self.require_finalizable()
        if po_number is not None and len(po_number) > 64:
            raise InvalidInput("poNumber is at most 64 characters.", field="poNumber")
        if self.snapshot is not None:
            raise SnapshotAlreadyFinalized(
                f"Service order {self.id} was already finalized as snapshot "
                f"{self.snapshot.snapshot_id}; bill it as it is."
            )
        self.snapshot = capture_snapshot(
            snapshot_id,
            at,
            self.parts,
            self.work_sessions,
            labor_rate,
            labor_tax_code,
            tax_codes,
            currency,
            finalized_by,
            po_number,
        )
        for awaited in BILLING_WAITS_FOR:
            self._await(awaited, snapshot_id, at)
        bill = self.snapshot.summary()
        # Seed 001's parts_usage_recorded tells Inventory what to decrement: an order
        # that used no parts has nothing to tell.
        self.events += [
            *([self._parts_usage(at, finalized_by)] if self.parts else []),
            ServiceOrderReadyForBilling(
                **self._about(at),
                customer_id=self.customer_id,
                location_id=self.location_id,
                bill=bill,
                po_number=po_number,
            ),
            SnapshotFinalized(
                **self._about(at),
                customer_id=self.customer_id,
                location_id=self.location_id,
                bill=bill,
                po_number=po_number,
                estimate_id=self.estimate_id,
                finalized_by=finalized_by,
            ),
        ]
        return self.snapshot

    def require_finalizable(self) -> None:
        """Refuse finalizing unless the order is completed and People has confirmed every
        work session (checked before the snapshot takes its number, too)."""
        if self.status is not S.COMPLETED:
            raise InvalidTransition(self.id, self.status, "be finalized for billing")
        self._require_acknowledged("be finalized for billing", (Awaited.WORK_SESSION_COMPLETED,))

    def require_billable(self, at: datetime, closed_periods: Iterable[FinancialPeriod]) -> None:
        """Refuse billing on `at`'s UTC date unless the order is finalized, completed by
        then, and the date is in an open period."""
        require_move(self.id, self.status, S.BILLED, "be billed")
        if self.snapshot is None:
            raise BillableSnapshotMissing(
                f"Service order {self.id} has no billable snapshot yet; finalize it first."
            )
        self._require_acknowledged("be billed", tuple(Awaited))
        on = at.astimezone(UTC).date()
        completed_on = self.completed_at.astimezone(UTC).date() if self.completed_at else on
        if on < completed_on:
            raise BillingBeforeCompletion(
                f"Service order {self.id} was completed on {completed_on.isoformat()}; it "
                f"cannot be billed on {on.isoformat()}, before that.",
                field="billingDate",
            )
        for period in closed_periods:
            period.refuse_billing_on(on)

    def bill(
        self,
        at: datetime,
        closed_periods: Iterable[FinancialPeriod],
        by: str,
        posting: Iterable[GlEntry],
        amount: Decimal,
    ) -> None:
        """Billed once, on `at`, by its invoice: the order keeps the invoice's posting
        (`posting`) as its GL entries, in account order as they are stored, and
        publishes the invoice's total."""
        self.require_billable(at, closed_periods)
        assert self.snapshot is not None
        currency = self.snapshot.currency
        self.gl_entries = tuple(sorted(posting, key=lambda entry: entry.account))
        self.billed_at = at
        self.events.append(
            ServiceOrderBilled(
                **self._about(at), customer_id=self.customer_id, amount=amount, currency=currency
            )
        )
        self._move(S.BILLED, at, by)

    def acknowledge(self, fact: AcknowledgementFact) -> bool:
        """The awaited side's word arrived: True if it acknowledged what was pending,
        False for one acknowledged already (nothing changes); UNKNOWN_ACKNOWLEDGEMENT for
        a session or snapshot the order never awaited."""
        return acknowledged(self.acknowledgements, fact, self.id)

    def acknowledge_as_own_side(self, fact: AcknowledgementFact) -> None:
        """The gateway is the other side itself: it acknowledges at once and publishes
        the side's event, as that system would, for whoever else listens to it."""
        if self.acknowledge(fact):
            self.events.append(fact)

    def flag_overdue(self, now: datetime, timeout: timedelta) -> list[Acknowledgement]:
        """Raise, once each, the alert of every acknowledgement awaited longer than
        `timeout` (none on a cancelled order, which waits for nothing any more)."""
        if self.status is S.CANCELLED:
            return []
        late = overdue(self.acknowledgements, now, timeout)
        for waiting in late:
            index = self.acknowledgements.index(waiting)
            self.acknowledgements[index] = replace(waiting, overdue_at=now)
            self.events.append(
                AcknowledgementOverdue(
                    **self._about(now),
                    awaited=waiting.awaited,
                    reference=waiting.reference,
                    awaited_since=waiting.awaited_since,
                    timeout_seconds=int(timeout.total_seconds()),
                    location_id=self.location_id,
                    customer_id=self.customer_id,
                )
            )
        return late

    def confirmation_of(self, session_id: str) -> Acknowledgement | None:
        """People's confirmation awaited or given for a session; None for a session
        recorded before confirmations were awaited (it counts as confirmed)."""
        for waiting in self.acknowledgements:
            if waiting.key == (Awaited.WORK_SESSION_COMPLETED, session_id):
                return waiting
        return None

    def _await(self, awaited: Awaited, reference: str, since: datetime) -> None:
        self.acknowledgements.append(Acknowledgement(awaited, reference, since))

    def _require_acknowledged(self, action: str, awaited: tuple[Awaited, ...]) -> None:
        waiting = first_pending(self.acknowledgements, awaited)
        if waiting is not None:
            raise AwaitingAcknowledgement(self.id, action, waiting)

    def _parts_usage(self, at: datetime, finalized_by: str) -> PartsUsageRecorded:
        """Seed 001's parts_usage_recorded: every part used, declined ones flagged."""
        return PartsUsageRecorded(
            **self._about(at),
            location_id=self.location_id,
            customer_id=self.customer_id,
            completed_at=self.completed_at,
            completed_by=finalized_by,
            parts=tuple(
                RecordedPart(
                    p.workorder_part_id,
                    p.product_id,
                    p.sku,
                    p.quantity,
                    p.unit_price,
                    p.declined,
                    p.emergency,
                )
                for p in self.parts
            ),
            total_cost=sum((p.billable_total for p in self.parts), Decimal("0.00")),
        )

    def _require_open_for_work(self, action: str) -> None:
        if self.status not in (S.IN_PROGRESS, S.COMPLETED):
            raise InvalidTransition(self.id, self.status, action)
        if self.snapshot is not None:
            raise SnapshotAlreadyFinalized(
                f"Service order {self.id} is finalized for billing, so it cannot {action}."
            )

    def _move(
        self, target: ServiceOrderStatus, at: datetime, by: str, reason: str | None = None
    ) -> None:
        previous, self.status = self.status, target
        if previous is target:
            return
        visit_ahead = target in (S.SCHEDULED, S.DISPATCHED, S.IN_PROGRESS)
        self.events.append(
            ServiceOrderStatusChanged(
                **self._about(at),
                previous_status=previous,
                new_status=target,
                location_id=self.location_id,
                customer_id=self.customer_id,
                technician_id=self.technician_id,
                reason=reason,
                changed_by=by,
                appointment_id=self.appointment_id,
                estimated_completion_at=self.schedule_end if visit_ahead else None,
            )
        )

    def _about(self, at: datetime) -> dict[str, Any]:
        """What every event of this order says: which order, whose, when."""
        return {"aggregate_id": self.id, "tenant_id": self.tenant_id, "occurred_at": at}


def _not_in_the_future(completion_time: datetime, now: datetime) -> InvalidInput | None:
    if completion_time > now:
        return InvalidInput(
            "The completion time cannot be in the future; leave it empty for now.",
            field="completionTime",
        )
    return None
