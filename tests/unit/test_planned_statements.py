"""A planned page's statement is one PostgreSQL can plan once and reuse.

asyncpg prepares every statement; PostgreSQL keeps a generic plan only when it costs no
more than one made for the values, and a bound `LIMIT` or `OFFSET` (estimated at a
tenth of the table) made the page of orders re-planned on every execution. So a first
page writes both into its statement, and only a later page binds its offset.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.dialects import postgresql

from domain.paging import PageRequest
from domain.read_shapes import RootRead, Selected
from domain.service_orders.search import OrderFilter
from persistence.json_reads.statements import statement_of


def _orders_page(page_index: int) -> tuple[str, dict[str, object]]:
    item = Selected("serviceOrderId", "serviceOrderId", "ServiceOrder")
    items = Selected("items", "items", "ServiceOrderPage", children=(item,))
    page = PageRequest(page_index=page_index, page_size=50)
    root = Selected(
        "serviceOrders",
        "serviceOrders",
        "Query",
        {"page": page, "where": OrderFilter()},
        (items,),
    )
    statement, values = statement_of(RootRead(root, datetime.now(UTC)))
    return str(statement.compile(dialect=postgresql.asyncpg.dialect())), values


def test_a_first_page_binds_neither_its_limit_nor_its_offset() -> None:
    sql, values = _orders_page(0)
    assert "LIMIT 51" in sql
    assert "OFFSET" not in sql
    assert "skip" not in values


def test_a_later_page_binds_only_its_offset() -> None:
    sql, values = _orders_page(3)
    assert "LIMIT 51 OFFSET $" in " ".join(sql.split())
    assert values["skip"] == 150
