"""The fake keeps the real unit of work's promises a use case can tell apart, and both
satisfy the port the use cases are typed against (resolvers/ports.py)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any, get_type_hints

import pytest

from domain.clock import ManualClock
from domain.customers import Customer, CustomerUpdated
from domain.errors import VersionConflict
from domain.service_orders.events import ServiceOrderScheduled, ServiceOrderStatusChanged
from domain.service_orders.intake import open_service_order
from domain.service_orders.order import ServiceOrder
from domain.service_orders.parts_usage import PartUsage
from domain.service_orders.sla import DEFAULT_POLICIES, deadlines_for
from domain.service_orders.status import Priority
from domain.service_orders.status import ServiceOrderStatus as S
from persistence.unit_of_work import UnitOfWork as RealUnitOfWork
from resolvers.changes import changing
from resolvers.ports import UnitOfWork
from tests.use_cases.conftest import TENANT
from tests.use_cases.fakes import Database, DuplicateKey, FakeUnitOfWork
from tests.use_cases.fakes.memory import Repository

Units = Callable[[], FakeUnitOfWork]


def _protocol_members(protocol: type) -> set[str]:
    return {
        name
        for kind in protocol.__mro__
        if getattr(kind, "_is_protocol", False) and kind.__module__ != "typing"
        for name in vars(kind)
        if not name.startswith("_") or name in ("__aenter__", "__aexit__")
    }


def _has(kind: type, name: str) -> bool:
    try:
        inspect.getattr_static(kind, name)
    except AttributeError:
        return False
    return True


def _repository_kind(unit_of_work: type, name: str) -> type:
    """The class a unit of work's member `name` builds (a repository, the series)."""
    found = inspect.getattr_static(unit_of_work, name)
    if isinstance(found, cached_property):
        return get_type_hints(found.func)["return"]
    if isinstance(found, property):
        return get_type_hints(found.fget)["return"]
    return found._kind


def _shape(function: Any) -> tuple[bool, list[tuple[Any, bool]], list[str]]:
    """What a caller relies on: async or not, positional parameters (with a default or
    not) and keyword-only names."""
    parameters = list(inspect.signature(function).parameters.values())[1:]
    return (
        inspect.iscoroutinefunction(function),
        [(p.kind, p.default is not p.empty) for p in parameters if p.kind is not p.KEYWORD_ONLY],
        [p.name for p in parameters if p.kind is p.KEYWORD_ONLY],
    )


PORT_REPOSITORIES = {
    name: get_type_hints(getattr(UnitOfWork, name).fget)["return"]
    for name in _protocol_members(UnitOfWork)
    if isinstance(getattr(UnitOfWork, name, None), property)
}


@pytest.mark.parametrize("implementation", [RealUnitOfWork, FakeUnitOfWork])
def test_the_real_and_the_fake_unit_of_work_have_every_member_of_the_port(
    implementation: type,
) -> None:
    missing = sorted(m for m in _protocol_members(UnitOfWork) if not _has(implementation, m))
    assert missing == []


@pytest.mark.parametrize("implementation", [RealUnitOfWork, FakeUnitOfWork])
@pytest.mark.parametrize("name", sorted(PORT_REPOSITORIES))
def test_each_repository_answers_every_call_of_its_port_the_same_way(
    implementation: type, name: str
) -> None:
    port, kind = PORT_REPOSITORIES[name], _repository_kind(implementation, name)
    for method in sorted(_protocol_members(port)):
        assert _has(kind, method), f"{kind.__name__} lacks {method}"
        assert _shape(getattr(kind, method)) == _shape(getattr(port, method)), (
            f"{kind.__name__}.{method}"
        )


def test_every_repository_of_the_fake_is_built_once_per_unit(database: Database) -> None:
    work = FakeUnitOfWork(database, TENANT)
    assert isinstance(inspect.getattr_static(FakeUnitOfWork, "customers"), Repository)
    assert work.customers is work.customers


async def test_nothing_is_stored_and_no_event_is_published_without_commit(
    uow: Units, database: Database, clock: ManualClock
) -> None:
    async with uow() as work:
        await work.customers.add(Customer.register(TENANT, clock.now(), id="C-1", name="Ann"))
        assert await work.customers.exists("C-1"), "a unit sees its own writes"
    async with uow() as work:
        assert await work.customers.get("C-1") is None
    assert (database.tables, database.outbox) == ({}, [])


async def test_a_failed_unit_rolls_back_what_it_wrote(uow: Units, clock: ManualClock) -> None:
    with pytest.raises(ZeroDivisionError):
        async with uow() as work:
            await work.customers.add(Customer.register(TENANT, clock.now(), id="C-1", name="A"))
            raise ZeroDivisionError
    async with uow() as work:
        assert not await work.customers.exists("C-1")


async def test_another_tenants_rows_are_not_there(
    uow: Units, stranger: Units, clock: ManualClock
) -> None:
    async with uow() as work:
        await work.customers.add(Customer.register(TENANT, clock.now(), id="C-1", name="Ann"))
        await work.commit()
    async with stranger() as work:
        assert await work.customers.get("C-1") is None
        assert await work.customers.count(None) == 0
        assert (await work.customers.get_many(["C-1"])) == {}


async def test_a_change_committed_meanwhile_makes_the_later_commit_a_version_conflict(
    uow: Units, database: Database, clock: ManualClock
) -> None:
    """Like the real UPDATE's version check: the second writer read version 1 too."""
    async with uow() as work:
        await work.customers.add(Customer.register(TENANT, clock.now(), id="C-1", name="Ann"))
        await work.commit()
    published = len(database.outbox)
    async with uow() as late:
        async with changing(late.customers, "C-1", 1) as customer:
            customer.edit(TENANT, clock.now(), name="Late")
        async with uow() as first:
            async with changing(first.customers, "C-1", 1) as customer:
                customer.edit(TENANT, clock.now(), name="First")
            await first.commit()
        with pytest.raises(VersionConflict) as refused:
            await late.commit()
    assert (refused.value.code, refused.value.field) == ("VERSION_CONFLICT", "version")
    async with uow() as work:
        stored = await work.customers.get("C-1")
    assert stored is not None and (stored.name, stored.version) == ("First", 2)
    assert [type(e) for e in database.outbox[published:]] == [CustomerUpdated]


async def test_an_aggregate_loaded_and_left_alone_is_not_saved(
    uow: Units, database: Database, clock: ManualClock
) -> None:
    async with uow() as work:
        await work.customers.add(Customer.register(TENANT, clock.now(), id="C-1", name="Ann"))
        await work.commit()
    clock.advance(timedelta(minutes=1))
    async with uow() as work:
        await work.customers.get("C-1")
        await work.commit()
    async with uow() as work:
        stored = await work.customers.get("C-1")
    assert stored is not None and stored.version == 1
    assert len(database.outbox) == 1


async def test_series_numbers_are_not_given_back_by_a_rollback(uow: Units) -> None:
    async def never_taken(_: str) -> bool:
        return False

    async with uow() as work:
        assert await work.naming.next_free_id("CUST", never_taken) == "CUST-001"
    async with uow() as work:
        assert await work.naming.next_free_id("CUST", never_taken) == "CUST-002"


async def test_each_tenant_has_its_own_series(uow: Units, stranger: Units) -> None:
    async def never_taken(_: str) -> bool:
        return False

    async with uow() as work:
        await work.naming.next_free_id("LOC", never_taken)
    async with stranger() as work:
        assert await work.naming.next_free_id("LOC", never_taken) == "LOC-001"


def _order(clock: ManualClock, order_id: str = "SO-1") -> ServiceOrder:
    order = open_service_order(order_id, TENANT, "C-1", "V-1", "L-1", "LOW", "Oil", clock.now())
    order.deadlines = deadlines_for(DEFAULT_POLICIES[Priority.LOW], clock.now())
    return order


async def test_an_order_saved_meanwhile_makes_the_later_commit_a_version_conflict(
    uow: Units, database: Database, clock: ManualClock
) -> None:
    """The real UPDATE is conditional on the version and the status read."""
    async with uow() as work:
        await work.service_orders.add(_order(clock))
        await work.commit()
    published = len(database.outbox)
    async with uow() as late:
        async with changing(late.service_orders, "SO-1", 1) as order:
            order.cancel("Late", clock.now(), "USER-001")
        async with uow() as first:
            async with changing(first.service_orders, "SO-1", 1) as order:
                order.schedule(
                    clock.now(), clock.now() + timedelta(hours=1), clock.now(), "USER-001"
                )
            await first.commit()
        with pytest.raises(VersionConflict) as refused:
            await late.commit()
    assert (refused.value.code, refused.value.field) == ("VERSION_CONFLICT", "version")
    async with uow() as work:
        stored = await work.service_orders.get("SO-1")
    assert stored is not None and (stored.status, stored.version) == (S.SCHEDULED, 2)
    assert [type(e) for e in database.outbox[published:]] == [
        ServiceOrderScheduled,
        ServiceOrderStatusChanged,
    ]


async def test_the_records_an_order_gathered_since_it_was_read_are_added_beside_it(
    uow: Units, clock: ManualClock
) -> None:
    """Sessions and parts get rows of their own, so their ids are taken for every order."""
    order = _order(clock)
    order.status, order.started_at = S.IN_PROGRESS, clock.now()
    async with uow() as work:
        await work.service_orders.add(order)
        await work.commit()
    part = PartUsage("WOP-9", "P-1", "SKU-1", Decimal("1"), Decimal("5.00"), None)
    async with uow() as work:
        async with changing(work.service_orders, "SO-1", 1) as changed:
            changed.record_parts_usage(part)
        assert await work.order_records.part_ids_taken(["WOP-9"]) == set()
        await work.commit()
    async with uow() as work:
        assert await work.order_records.part_ids_taken(["WOP-9", "WOP-8"]) == {"WOP-9"}
        reread = await work.service_orders.get("SO-1")
        assert reread is not None and (reread.parts, reread.version) == ([part], 2)
        other = _order(clock, "SO-2")
        other.status = S.IN_PROGRESS
        await work.service_orders.add(other)
        other.record_parts_usage(part)
        with pytest.raises(DuplicateKey):
            await work.commit()
