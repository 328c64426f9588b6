"""The generic part of the in-memory unit of work the use-case tests run on.

It keeps the promises of `persistence.unit_of_work.UnitOfWork` that a use case can
tell apart, and nothing else:

- one tenant per unit of work: every row is keyed by its tenant, and a unit reads and
  writes its own tenant's rows only (another tenant's record is simply not there);
- nothing is stored, and no event reaches the outbox, unless `commit()` is called; the
  unit's writes are its own until then, and leaving the block without committing
  forgets them;
- repositories of aggregates track what they load or add, and `commit()` saves every
  tracked aggregate that changed or recorded an event with a version check (a stale
  version is VERSION_CONFLICT), then moves the events the aggregates recorded into the
  outbox as they are (same id, same instant);
- numbers of the naming series are taken at once and never given back (the real ones
  are taken in a transaction of their own), so a refused creation leaves a gap.

Rows are stored as the records themselves (frozen dataclasses) or, for mutable
aggregates, as the mapping of their fields, with the version and the timestamps the
database would keep; the timestamps come from the `Database`'s clock.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import fields, replace
from datetime import datetime
from types import TracebackType
from typing import Any, ClassVar, Generic, Self, TypeVar

from domain.clock import Clock
from domain.errors import DomainError, NotFound, VersionConflict
from domain.events import Aggregate, DomainEvent
from domain.finance.periods import FinancialPeriod
from domain.paging import PageRequest
from domain.receivables.accounts import ChartOfAccounts

A = TypeVar("A", bound=Aggregate)
R = TypeVar("R")
T = TypeVar("T")

KEPT_BY_THE_DATABASE = frozenset({"version", "created_at", "updated_at"})


class DuplicateKey(Exception):
    """Two rows under one primary key: the real database's IntegrityError."""


class Database:
    """What PostgreSQL holds, for every tenant: rows by table, the outbox, the series."""

    def __init__(self, clock: Clock):
        self.clock = clock
        self.tables: dict[str, dict[tuple[str, Any], Any]] = {}
        self.outbox: list[DomainEvent] = []
        self.series: dict[tuple[str, str], int] = {}

    def committed(self, table: str, tenant_id: str) -> dict[Any, Any]:
        """One tenant's committed rows of `table`, by key."""
        return {
            key: row
            for (tenant, key), row in self.tables.get(table, {}).items()
            if tenant == tenant_id
        }


class Work:
    """A unit of work of one tenant over a `Database`. Areas add their repositories as
    class attributes (`Repository(...)`), as the real unit of work does."""

    def __init__(self, database: Database, tenant_id: str):
        self.database = database
        self.tenant_id = tenant_id
        self._writes: dict[str, dict[Any, Any]] | None = None

    async def __aenter__(self) -> Self:
        self._writes = {}
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._writes = None

    @property
    def naming(self) -> NamingSeries:
        return NamingSeries(self.database, self.tenant_id)

    def now(self) -> datetime:
        return self.database.clock.now()

    def read(self, table: str, key: Any) -> Any | None:
        """A row as this unit sees it: its own write, else the committed row, else None."""
        writes = self._open().get(table, {})
        if key in writes:
            return writes[key]
        return self.database.tables.get(table, {}).get((self.tenant_id, key))

    def rows(self, table: str) -> list[Any]:
        """Every row of `table` this unit sees."""
        return list(
            {
                **self.database.committed(table, self.tenant_id),
                **self._open().get(table, {}),
            }.values()
        )

    def write(self, table: str, key: Any, row: Any) -> None:
        self._open().setdefault(table, {})[key] = row

    async def commit(self) -> None:
        """Save what changed, move the recorded events to the outbox, and commit; the unit
        of work ends here, as the real one's does."""
        writes = self._open()
        events: list[DomainEvent] = []
        for repository in list(vars(self).values()):
            if isinstance(repository, Aggregates):
                events += await repository.flush()
        for table, rows in writes.items():
            stored = self.database.tables.setdefault(table, {})
            stored.update({(self.tenant_id, key): row for key, row in rows.items()})
        self.database.outbox += events
        self._writes = {}

    def _open(self) -> dict[str, dict[Any, Any]]:
        assert self._writes is not None, "repositories are used inside `async with`"
        return self._writes


class Repository(Generic[T]):
    """A unit of work's repository of one kind, built on first use and then kept."""

    def __init__(self, kind: Callable[[Work], T]):
        self._kind = kind
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, work: Work, owner: type | None = None) -> T:
        built = self._kind(work)
        vars(work)[self._name] = built
        return built


class NamingSeries:
    """Numbers taken at once, outside the unit's transaction, as the real series are."""

    def __init__(self, database: Database, tenant_id: str):
        self._database = database
        self.tenant_id = tenant_id

    async def next_id(self, prefix: str, width: int = 3) -> str:
        key = (self.tenant_id, prefix)
        self._database.series[key] = self._database.series.get(key, 0) + 1
        return f"{prefix}-{self._database.series[key]:0{width}d}"

    async def next_ids(self, prefix: str, count: int, width: int = 3) -> list[str]:
        return [await self.next_id(prefix, width) for _ in range(count)]

    async def next_id_of_block(self, prefix: str, width: int = 3) -> str:
        """One process, one block that never runs out: the series' next number."""
        return await self.next_id(prefix, width)

    def give_back_to_block(self, prefix: str, taken_id: str) -> None:
        """The series steps back if `taken_id` is its last number (else it stays a gap)."""
        key = (self.tenant_id, prefix)
        if self._database.series.get(key) == int(taken_id.rsplit("-", 1)[1]):
            self._database.series[key] -= 1

    async def next_ids_with_books(
        self, prefix: str, count: int, width: int = 3
    ) -> tuple[list[str], ChartOfAccounts, list[FinancialPeriod]]:
        accounts = self._database.committed("gl_accounts", self.tenant_id)
        periods = sorted(
            self._database.committed("financial_periods", self.tenant_id).values(),
            key=lambda p: p.period_id,
        )
        return (
            await self.next_ids(prefix, count, width),
            ChartOfAccounts({role: account for role, account in accounts.items() if account}),
            sorted(periods, key=lambda p: p.start, reverse=True),
        )

    async def next_free_id(
        self, prefix: str, is_taken: Callable[[str], Awaitable[bool]], width: int = 3
    ) -> str:
        while True:
            candidate = await self.next_id(prefix, width)
            if not await is_taken(candidate):
                return candidate


class Table(Generic[R]):
    """What every in-memory repository shares: its table, reached through its unit."""

    table: ClassVar[str]

    def __init__(self, work: Work):
        self._work = work
        self.tenant_id = work.tenant_id

    async def exists(self, record_id: str) -> bool:
        return self._work.read(self.table, record_id) is not None


class Records(Table[R]):
    """Records written whole (frozen dataclasses): inserted, or put with a version check."""

    def _insert(self, key: Any, record: R) -> R:
        if self._work.read(self.table, key) is not None:
            raise DuplicateKey(f"{self.table} {key!r} exists")
        now = self._work.now()
        stored = replace(record, version=1, created_at=now, updated_at=now)  # type: ignore[type-var]
        self._work.write(self.table, key, stored)
        return stored

    def _put(
        self, key: Any, record: R, version: int | None, conflict: Callable[[], DomainError]
    ) -> R:
        """Create (`version` None) or replace the record at `version`, else `conflict()`,
        as the real repositories' INSERT ... ON CONFLICT DO NOTHING and versioned UPDATE."""
        current = self._work.read(self.table, key)
        if version is None and current is None:
            return self._insert(key, record)
        if current is None or current.version != version:
            raise conflict()
        stored = replace(  # type: ignore[type-var]
            record,
            version=current.version + 1,
            created_at=current.created_at,
            updated_at=self._work.now(),
        )
        self._work.write(self.table, key, stored)
        return stored


class Aggregates(Table[A]):
    """Aggregates tracked with the stored form they had when read or added, saved at
    commit when they changed or recorded an event: `AggregateRepository`'s promise."""

    noun: ClassVar[str]
    kind: ClassVar[type]

    def __init__(self, work: Work):
        super().__init__(work)
        self._tracked: dict[str, tuple[A, dict[str, Any], int]] = {}

    async def get(self, aggregate_id: str, *, lock: bool = False) -> A | None:
        row = self._work.read(self.table, aggregate_id)
        return None if row is None else self.track(self.kind(**row))

    def track(self, aggregate: A) -> A:
        known = self._tracked.get(aggregate.id)
        if known is not None and known[0] is aggregate:
            return aggregate
        self._tracked[aggregate.id] = (
            aggregate,
            self._stored_form(aggregate),
            len(aggregate.events),
        )
        return aggregate

    async def add(self, aggregate: A) -> None:
        if self._work.read(self.table, aggregate.id) is not None:
            raise DuplicateKey(f"{self.table} {aggregate.id!r} exists")
        self._check_unique(aggregate)
        now = self._work.now()
        self._write(aggregate, version=aggregate.version, created_at=now)
        self.track(aggregate)

    async def flush(self) -> list[DomainEvent]:
        recorded: list[DomainEvent] = []
        for aggregate_id, (aggregate, before, stored_events) in list(self._tracked.items()):
            if len(aggregate.events) > stored_events or self._stored_form(aggregate) != before:
                self._save(aggregate)
            recorded += aggregate.events
            aggregate.events.clear()
            self._tracked[aggregate_id] = (aggregate, self._stored_form(aggregate), 0)
        return recorded

    def not_found(self, aggregate_id: str) -> DomainError:
        return NotFound(self.noun, aggregate_id)

    def stale(self, aggregate_id: str, version: int) -> VersionConflict:
        return VersionConflict(
            f"{self.noun} '{aggregate_id}' was changed by someone else (you saw version "
            f"{version}); reload it and apply your change again.",
            field="version",
        )

    def _check_unique(self, aggregate: A) -> None:
        """Refuse what a unique index of the table would (none by default)."""

    def _save(self, aggregate: A) -> None:
        stored = self._work.read(self.table, aggregate.id)
        if stored is None or stored["version"] != aggregate.version:
            raise self.stale(aggregate.id, aggregate.version)
        self._check_unique(aggregate)
        self._write(aggregate, version=aggregate.version + 1, created_at=stored["created_at"])

    def _write(self, aggregate: A, *, version: int, created_at: Any) -> None:
        now = self._work.now()
        row = {
            **self._stored_form(aggregate),
            "version": version,
            "created_at": created_at,
            "updated_at": now,
        }
        self._work.write(self.table, aggregate.id, row)
        aggregate.version = version
        aggregate.created_at = created_at  # type: ignore[attr-defined]
        aggregate.updated_at = now  # type: ignore[attr-defined]

    @staticmethod
    def _stored_form(aggregate: A) -> dict[str, Any]:
        """What the table holds of `aggregate` besides what the database keeps itself."""
        return {
            f.name: getattr(aggregate, f.name)
            for f in fields(aggregate)  # type: ignore[arg-type]
            if f.name != "events" and f.name not in KEPT_BY_THE_DATABASE
        }


def matching(
    rows: Iterable[T], query: str | None, text: Callable[[T], Iterable[str | None]]
) -> list[T]:
    """The rows whose search text holds `query` (case-insensitive), as the trigram
    searches of the real repositories match their generated `search_text` column."""
    if not query or not query.strip():
        return list(rows)
    term = query.strip().lower()
    return [row for row in rows if term in " ".join(part or "" for part in text(row)).lower()]


def page_of(rows: list[T], request: PageRequest) -> list[T]:
    """One page and one row more, as `TenantRepository._page_rows` fetches it."""
    return rows[request.offset : request.offset + request.page_size + 1]
