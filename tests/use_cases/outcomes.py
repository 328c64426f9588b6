"""What a use case answered, as the use-case tests compare it: the codes and fields of a
refusal, and the events recorded with the ids their aggregates gave them."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest

from domain.errors import DomainError
from domain.events import DomainEvent


def refusal(error: pytest.ExceptionInfo[DomainError]) -> list[tuple[str, str | None]]:
    return [(e.code, e.field) for e in error.value.each()]


def with_ids_of(published: list[DomainEvent], expected: list[DomainEvent]) -> list[DomainEvent]:
    """`expected` with the ids the events were recorded under, each checked to be a UUID
    of its own (the aggregate chose it; nothing downstream re-stamps it)."""
    ids = [e.event_id for e in published]
    assert len(set(ids)) == len(ids) and all(uuid.UUID(i) for i in ids)
    return [replace(e, event_id=i) for e, i in zip(expected, ids, strict=True)]
