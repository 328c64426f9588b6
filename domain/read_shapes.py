"""What a client asked to read, as the database is to shape it (issue 18's compiled reads).

A query the gateway can answer in one statement per root field is described here, after
GraphQL's fragments, directives and variables were resolved: for each root field, its
arguments and the tree of fields it selects under their response keys. The schema builds
it; the persistence layer turns it into SQL that returns the selected JSON. Field and
type names are the API's: this is the read model's vocabulary, not a table's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class Unplannable(Exception):
    """The selection holds something the compiled read path does not answer; the
    operation runs through the ordinary resolvers instead."""


@dataclass(frozen=True, slots=True)
class Selected:
    """One field under its response key; `on` is the field's object type (for
    `__typename` and to find the field), `children` what it selects in turn."""

    key: str
    name: str
    on: str
    arguments: Mapping[str, Any] = field(default_factory=dict)
    children: tuple[Selected, ...] = ()


@dataclass(frozen=True, slots=True)
class RootRead:
    """One root field to answer with one statement, seen at `now` (an estimate's status
    depends on the instant it is read)."""

    field: Selected
    now: datetime
