"""Time a technician spends on an order: the labor the customer is billed for.

Seed 001 (WorkExec <-> People) states the rules: the person must exist
(INVALID_PERSON_ID) and work at the order's location (PERSON_NOT_ASSIGNED_TO_LOCATION),
the session starts before it ends, billable minutes fit in the time worked minus
breaks, and whoever records it is a TECHNICIAN or SUPERVISOR. The caller looks the
people up and passes what it found (None when not found); the domain only judges.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.checks import check_text
from domain.errors import DomainError, InvalidInput, collect
from domain.service_orders.events import check_instant

RECORDING_ROLES = frozenset({"TECHNICIAN", "SUPERVISOR"})


class InvalidPersonId(DomainError):
    code = "INVALID_PERSON_ID"


class PersonNotAssignedToLocation(DomainError):
    code = "PERSON_NOT_ASSIGNED_TO_LOCATION"


class RecorderNotAllowed(DomainError):
    code = "RECORDER_ROLE_NOT_ALLOWED"


class InvalidSessionTimes(InvalidInput):
    code = "INVALID_SESSION_TIMES"


class BillableMinutesExceedWorked(InvalidInput):
    code = "BILLABLE_MINUTES_EXCEED_WORKED"


@dataclass(frozen=True, slots=True)
class Person:
    """What People says about someone: their roles and the locations they work at."""

    person_id: str
    roles: frozenset[str]
    location_ids: frozenset[str]


@dataclass(frozen=True, slots=True)
class WorkSession:
    """One accepted session, in the seed's `work_session_recorded` terms."""

    session_id: str
    person_id: str
    start_time: datetime
    end_time: datetime
    break_duration_minutes: int
    billable_minutes: int
    recorded_by: str
    recorded_at: datetime
    work_type: str = "LABOR"


def check_work_session(
    session: WorkSession,
    person: Person | None,
    recorder: Person | None,
    location_id: str,
) -> None:
    """Raise every broken rule of the seed at once, each with its own code and field."""
    collect(
        check_text(session.session_id, "workSessionId", "Give the session an id.", 64),
        check_text(session.work_type, "workType", "Say what kind of work it was, e.g. LABOR.", 32),
        *_person_problems(session, person, recorder, location_id),
        *_time_problems(session),
    )


def _person_problems(
    session: WorkSession, person: Person | None, recorder: Person | None, location_id: str
) -> list[DomainError]:
    problems: list[DomainError] = []
    if person is None:
        problems.append(
            InvalidPersonId(
                f"No person '{session.person_id}' is known to People; check the id.",
                field="personId",
            )
        )
    elif location_id not in person.location_ids:
        problems.append(
            PersonNotAssignedToLocation(
                f"{person.person_id} is not assigned to location {location_id}; assign "
                "them there in People first, or record the session for someone who is.",
                field="personId",
            )
        )
    if recorder is None:
        problems.append(
            InvalidPersonId(
                f"No person '{session.recorded_by}' is known to People; check the id.",
                field="recordedBy",
            )
        )
    elif not recorder.roles & RECORDING_ROLES:
        problems.append(
            RecorderNotAllowed(
                f"{recorder.person_id} cannot record work sessions: only a TECHNICIAN or "
                "a SUPERVISOR can.",
                field="recordedBy",
            )
        )
    return problems


def _time_problems(session: WorkSession) -> list[DomainError]:
    problems: list[DomainError | None] = [
        check_instant(session.start_time, "startTime"),
        check_instant(session.end_time, "endTime"),
        check_instant(session.recorded_at, "recordedAt"),
    ]
    if any(problems):
        return [p for p in problems if p is not None]
    breaks = session.break_duration_minutes
    billable = session.billable_minutes
    if session.start_time >= session.end_time:
        return [
            InvalidSessionTimes(
                f"The session ends ({session.end_time.isoformat()}) before or when it starts "
                f"({session.start_time.isoformat()}); the start must come first.",
                field="endTime",
            )
        ]
    if breaks < 0:
        return [InvalidInput("Break minutes cannot be negative.", field="breakDurationMinutes")]
    if billable < 0:
        return [InvalidInput("Billable minutes cannot be negative.", field="billableMinutes")]
    worked = (session.end_time - session.start_time) // timedelta(minutes=1) - breaks
    if billable > worked:
        return [
            BillableMinutesExceedWorked(
                f"{billable} billable minutes exceed the {max(worked, 0)} minutes worked "
                f"(session length minus {breaks} minutes of breaks).",
                field="billableMinutes",
            )
        ]
    return []
