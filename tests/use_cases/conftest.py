"""Fixtures of the use-case tier: an in-memory database, a clock that stands still, and
units of work of two tenants. Nothing here starts a server."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from domain.clock import ManualClock
from tests.use_cases.fakes import Database, FakeUnitOfWork, units_of_work

TENANT = "tenant-a"
STRANGER = "tenant-b"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 3, 2, 9, 30, tzinfo=UTC))


@pytest.fixture
def database(clock: ManualClock) -> Database:
    return Database(clock)


@pytest.fixture
def uow(database: Database) -> Callable[[], FakeUnitOfWork]:
    return units_of_work(database, TENANT)


@pytest.fixture
def stranger(database: Database) -> Callable[[], FakeUnitOfWork]:
    """Units of work of another tenant, on the same database."""
    return units_of_work(database, STRANGER)
