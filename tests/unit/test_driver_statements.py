"""Statements built once, compiled for asyncpg: what reaches the driver."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Select, bindparam, select

from persistence.driver import compiled
from persistence.repositories.base import contains, of_tenant, one_of
from persistence.repositories.estimates.repository import ADD, BY_ID
from persistence.repositories.naming import TAKE_NEXT
from persistence.tables import estimates


def test_placeholders_follow_the_named_values_in_the_order_the_sql_numbers_them() -> None:
    statement = compiled(BY_ID, frozenset({"tenant_id", "id"}))

    assert statement.names == ("tenant_id", "id")
    assert "$1" in statement.sql and "$2" in statement.sql and "$3" not in statement.sql
    assert statement.arguments({"id": "EST-001", "tenant_id": "t1"}) == ["t1", "EST-001"]


def test_an_insert_writes_exactly_the_columns_given() -> None:
    statement = compiled(ADD, frozenset({"tenant_id", "id", "grand_total", "policy"}))

    assert statement.sql.startswith("INSERT INTO estimates (tenant_id, id, grand_total, policy)")
    policy = {"approval_method": "CLICK_CONFIRM", "expires_in_days": 7}
    arguments = statement.arguments(
        {"tenant_id": "t1", "id": "EST-001", "grand_total": Decimal("10.00"), "policy": policy}
    )
    assert arguments[:3] == ["t1", "EST-001", Decimal("10.00")]
    assert isinstance(arguments[3], str), (
        "JSON goes to the driver serialized, as SQLAlchemy sends it"
    )
    assert '"expires_in_days":7' in arguments[3].replace(" ", "")
    assert (
        statement.arguments({"tenant_id": "t1", "id": "E", "grand_total": 1, "policy": None})[3]
        is None
    )


def test_values_fixed_when_the_statement_was_built_are_sent_with_it() -> None:
    statement = compiled(TAKE_NEXT, frozenset({"tenant_id", "series"}))

    assert statement.arguments({"tenant_id": "t1", "series": "EST"})[:2] == ["t1", "EST"]
    assert statement.arguments({"tenant_id": "t1", "series": "EST"})[2:] == [1, 1]


def test_an_in_list_is_refused_in_favour_of_any() -> None:
    """An IN list renders a new text per length: a prepared statement per batch size."""
    statement = select(estimates.c.id).where(estimates.c.id.in_(bindparam("ids", expanding=True)))

    with pytest.raises(ValueError, match="any_"):
        compiled(statement, frozenset({"ids"}))


def test_a_missing_value_names_the_parameter() -> None:
    with pytest.raises(KeyError, match="tenant_id"):
        compiled(BY_ID, frozenset({"id"})).arguments({"id": "EST-001"})


def _search(customer: str, statuses: list[str], size: int, skip: int) -> Select:
    return (
        select(estimates.c.id)
        .where(of_tenant(estimates), estimates.c.customer_id == customer)
        .where(one_of(estimates.c.status, statuses))
        .where(contains(estimates.c.number, customer.lower()))
        .order_by(estimates.c.created_at.desc())
        .limit(size)
        .offset(skip)
    )


def test_a_search_built_per_call_is_compiled_once_per_shape_with_each_calls_values() -> None:
    first = compiled(_search("CUST-1", ["DRAFT"], 21, 0), frozenset({"tenant_id"}))
    second = compiled(_search("CUST-2", ["APPROVED", "DECLINED"], 6, 40), frozenset({"tenant_id"}))

    assert second.sql == first.sql
    assert first.arguments({"tenant_id": "t1"}) == ["t1", "CUST-1", ["DRAFT"], "%cust-1%", 21, 0]
    assert second.arguments({"tenant_id": "t2"}) == [
        "t2",
        "CUST-2",
        ["APPROVED", "DECLINED"],
        "%cust-2%",
        6,
        40,
    ]


def test_a_search_of_another_shape_is_compiled_for_itself() -> None:
    narrower = _search("CUST-1", ["DRAFT"], 21, 0).where(estimates.c.vehicle_id == "VEH-1")
    plain = compiled(_search("CUST-1", ["DRAFT"], 21, 0), frozenset({"tenant_id"}))
    narrowed = compiled(narrower, frozenset({"tenant_id"}))

    assert narrowed.sql != plain.sql
    assert narrowed.arguments({"tenant_id": "t1"})[-3:] == ["VEH-1", 21, 0]
