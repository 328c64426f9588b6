"""Work and parts recorded on an order, and the people allowed to do and record the work.

The People domain's facts (who is a TECHNICIAN or SUPERVISOR, at which locations) are
kept in the gateway's `people` table, maintained with `savePerson`; seed 001's rules
judge each session against them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from domain.clock import Clock
from domain.errors import DuplicateId, InvalidInput, collect
from domain.locations import LocationNotFound
from domain.service_orders.order import DuplicateWorkSession, ServiceOrder
from domain.service_orders.parts_usage import PartUsage
from domain.service_orders.people import checked_person
from domain.service_orders.work_sessions import Person, WorkSession
from resolvers.changes import changing
from resolvers.ports import UnitOfWork, UnitOfWorkFactory
from resolvers.service_orders.acknowledgements import EVERY_SIDE, OwnSides, confirm_session
from resolvers.service_orders.parts_stock import (
    catalog_parts,
    issue_parts,
    return_part,
    unknown_to_the_catalog,
)

SESSION_SERIES = "WS"
PART_SERIES = "WOP"
PROVISIONAL = f"{PART_SERIES}-NEW"
"""The id a part is checked under before it takes its number (a refused one takes none)."""


async def save_person(uow: UnitOfWorkFactory, fields: Mapping[str, Any]) -> Person:
    """Create or replace a person; every location they work at must exist."""
    person, name = checked_person(**fields)
    async with uow() as work:
        collect(
            *[
                None
                if await work.locations.exists(location)
                else LocationNotFound(
                    f"Location '{location}' was not found; a person works only at locations "
                    "that exist.",
                    field="locationIds",
                )
                for location in sorted(person.location_ids)
            ]
        )
        await work.people.put(person, name)
        await work.commit()
    return person


async def record_work_session(
    uow: UnitOfWorkFactory,
    clock: Clock,
    order_id: str,
    version: int,
    fields: Mapping[str, Any],
    sides: OwnSides = EVERY_SIDE,
) -> ServiceOrder:
    """Log a technician's time on the order (IN_PROGRESS or COMPLETED, not yet finalized);
    it awaits People's confirmation, given at once where the gateway is People (`sides`).

    A session id the client chose is checked after the domain's checks; a generated one
    was checked free by `next_free_id` already.
    """
    async with uow() as work:
        async with changing(work.service_orders, order_id, version) as order:
            chosen = fields.get("session_id")
            session_id = chosen or await work.naming.next_free_id(
                SESSION_SERIES, work.order_records.exists
            )
            session = WorkSession(
                session_id=session_id,
                person_id=fields["person_id"],
                start_time=fields["start_time"],
                end_time=fields["end_time"],
                break_duration_minutes=fields.get("break_duration_minutes") or 0,
                billable_minutes=fields["billable_minutes"],
                recorded_by=fields["recorded_by"],
                recorded_at=clock.now(),
                work_type=fields.get("work_type") or "LABOR",
            )
            known = await work.people.get_many({session.person_id, session.recorded_by})
            order.record_work_session(
                session, known.get(session.person_id), known.get(session.recorded_by)
            )
            if chosen and await work.order_records.exists(chosen):
                raise DuplicateWorkSession(
                    f"Work session {chosen} is already recorded; choose another id or leave "
                    "it empty.",
                    field="workSessionId",
                )
            confirm_session(order, session, sides)
        await work.commit()
        return order


async def record_parts_usage(
    uow: UnitOfWorkFactory,
    clock: Clock,
    by: str,
    order_id: str,
    version: int,
    parts: Sequence[Mapping[str, Any]],
) -> ServiceOrder:
    """Attach used parts by mutation and issue them from the order's location's stock, in
    one unit of work; a part id already recorded is DUPLICATE_ID."""
    if not parts:
        raise InvalidInput("List at least one part that was used.", field="parts")
    chosen = [p["workorder_part_id"] for p in parts if p.get("workorder_part_id")]
    async with uow() as work:
        async with changing(work.service_orders, order_id, version, lock=True) as order:
            taken = await work.order_records.part_ids_taken(chosen)
            if taken or len(set(chosen)) != len(chosen):
                duplicate = sorted(taken) or sorted({c for c in chosen if chosen.count(c) > 1})
                raise DuplicateId("Part usage", duplicate[0], "workorderPartId")
            await attach_parts(work, order, parts, by, clock.now())
        await work.commit()
        return order


async def decline_part_usage(
    uow: UnitOfWorkFactory, clock: Clock, by: str, order_id: str, part_id: str, version: int
) -> ServiceOrder:
    """The customer declined a recorded part: never billed, and its stock comes back."""
    async with uow() as work:
        async with changing(work.service_orders, order_id, version, lock=True) as order:
            part = order.decline_part(part_id)
            await return_part(work, order, part, by, clock.now())
        await work.commit()
        return order


async def attach_parts(
    work: UnitOfWork,
    order: ServiceOrder,
    parts: Sequence[Mapping[str, Any]],
    by: str,
    now: datetime,
) -> list[PartUsage]:
    """Record each part not recorded yet (ids already stored are skipped) and issue it
    from the order's location's stock; return those recorded. The catalog is read once:
    to refuse unknown products before any number is taken, then to find the stock."""
    known = await work.order_records.part_ids_taken(
        [p["workorder_part_id"] for p in parts if p.get("workorder_part_id")]
    )
    checked = [
        PartUsage(**{**f, "workorder_part_id": f.get("workorder_part_id") or PROVISIONAL})
        for f in parts
    ]
    catalog = await catalog_parts(work, checked)
    collect(*await unknown_to_the_catalog(work, checked, catalog))
    added: list[PartUsage] = []
    for fields, part in zip(parts, checked, strict=True):
        part_id = fields.get("workorder_part_id") or await work.naming.next_free_id(
            PART_SERIES, _taken(work, known)
        )
        if part_id in known:
            continue
        part = replace(part, workorder_part_id=part_id)
        order.record_parts_usage(part)
        known.add(part_id)
        added.append(part)
    await issue_parts(work, order, added, catalog, by, now)
    return added


def _taken(work: UnitOfWork, recorded: set[str]) -> Any:
    """Whether a part id is stored already or recorded on the order in this change."""

    async def taken(part_id: str) -> bool:
        return part_id in recorded or bool(await work.order_records.part_ids_taken([part_id]))

    return taken
