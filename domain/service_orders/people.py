"""The people the People domain says may work on orders, as the gateway records them.

A person has roles (TECHNICIAN, SUPERVISOR, or others such as CLERK, which may not record
work) and the locations they are assigned to; seed 001's work-session rules read both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from domain.checks import check_identifier, check_text
from domain.errors import InvalidInput, collect
from domain.service_orders.work_sessions import Person

ROLE = re.compile(r"^[A-Z][A-Z_]{1,31}$")


def _roles(roles: Sequence[str]) -> InvalidInput | None:
    bad = [r for r in roles if not ROLE.match(r)]
    if not roles or bad:
        return InvalidInput(
            "Give at least one role in capitals, e.g. TECHNICIAN or SUPERVISOR"
            + (f"; not {', '.join(repr(r) for r in bad)}." if bad else "."),
            field="roles",
        )
    return None


def _locations(location_ids: Sequence[str]) -> InvalidInput | None:
    if any(not loc.strip() or len(loc) > 64 for loc in location_ids):
        return InvalidInput(
            "Location ids are non-empty and at most 64 characters.", field="locationIds"
        )
    return None


def checked_person(
    person_id: str, name: str, roles: Sequence[str], location_ids: Sequence[str]
) -> tuple[Person, str]:
    """The person and their name, or every faulty field at once."""
    collect(
        check_text(person_id, "personId", "Give the person's id from People, e.g. TECH-001.", 64),
        check_identifier(person_id or "", "personId"),
        check_text(name, "name", "Give the person's name."),
        _roles(roles),
        _locations(location_ids),
    )
    person = Person(
        person_id.strip(), frozenset(roles), frozenset(loc.strip() for loc in location_ids)
    )
    return person, name.strip()
