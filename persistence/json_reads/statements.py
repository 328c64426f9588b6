"""One statement per planned root field, returning the field's JSON as text.

A single object (`estimate(id:)`, `serviceOrder(id:)`) is its row's JSON object, or no
row when the tenant has none (the caller then lets the ordinary path answer the
not-found error). A page (`estimates`, `serviceOrders`) filters with the repositories'
own filter (`matching`), takes one row more than the page in the lists' one order, and
builds `{ items pageIndex pageSize hasNextPage totalCount }` from them; `totalCount` is
counted only when selected, as on the ordinary path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import DateTime, Integer, Table, Text, bindparam, cast, func, literal, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from domain.estimates.search import EstimateFilter
from domain.paging import PageRequest
from domain.read_shapes import RootRead, Selected, Unplannable
from domain.service_orders.search import OrderFilter
from persistence.json_reads.formats import key
from persistence.json_reads.projections import EMPTY_LIST, MOST_KEYS, Scope, json_object
from persistence.repositories.base import of_tenant
from persistence.repositories.estimates.repository import NEWEST_FIRST as ESTIMATES_ORDER
from persistence.repositories.estimates.repository import matching as matching_estimates
from persistence.repositories.service_orders.repository import NEWEST_FIRST as ORDERS_ORDER
from persistence.repositories.service_orders.repository import matching as matching_orders
from persistence.tables import estimates, service_orders


def _scope(table: Table, read: RootRead) -> Scope:
    return Scope(table, bindparam("now", read.now, type_=DateTime(timezone=True)))


def _one(table: Table, type_name: str) -> Callable[[RootRead], Select[Any]]:
    def statement(read: RootRead) -> Select[Any]:
        built = json_object(type_name, _scope(table, read), read.field.children)
        return select(cast(built, Text)).where(
            of_tenant(table), table.c.id == bindparam("id", str(read.field.arguments["id"]))
        )

    return statement


def _page(
    table: Table,
    type_name: str,
    matching: Callable[[RootRead], Select[Any]],
    order: Sequence[ColumnElement[Any]],
) -> Callable[[RootRead], Select[Any]]:
    page_type = f"{type_name}Page"

    def statement(read: RootRead) -> Select[Any]:
        request: PageRequest = read.field.arguments["page"]
        scope = _scope(table, read)
        listed = [s for s in read.field.children if s.name == "items"]
        filtered = matching(read)
        taken = filtered.order_by(*order).limit(request.page_size + 1).offset(request.offset)
        ids = taken.with_only_columns(table.c.id).subquery("taken")
        rows = (
            select(
                func.row_number().over(order_by=order).label("n"),
                *(
                    json_object(type_name, scope, s.children).label(f"doc_{n}")
                    for n, s in enumerate(listed)
                ),
            )
            .select_from(table.join(ids, table.c.id == ids.c.id))
            .where(of_tenant(table))
            .subquery("page")
        )
        if len(read.field.children) > MOST_KEYS:
            raise Unplannable("too many keys in one page")
        fields: list[ColumnElement[Any]] = []
        for selected in read.field.children:
            value = _page_field(selected, page_type, listed, rows, request, filtered)
            fields += [key(selected.key), value]
        return select(cast(func.json_build_object(*fields), Text)).select_from(rows)

    return statement


def _page_field(
    selected: Selected,
    page_type: str,
    listed: list[Selected],
    rows: Any,
    request: PageRequest,
    filtered: Select[Any],
) -> ColumnElement[Any]:
    match selected.name:
        case "items":
            doc = rows.c[f"doc_{listed.index(selected)}"]
            return func.coalesce(
                func.json_agg(aggregate_order_by(doc, rows.c.n)).filter(
                    rows.c.n <= request.page_size
                ),
                EMPTY_LIST,
            )
        case "pageIndex":
            return literal(request.page_index, Integer)
        case "pageSize":
            return literal(request.page_size, Integer)
        case "hasNextPage":
            return func.count() > request.page_size
        case "totalCount":
            counted = filtered.order_by(None).subquery("counted")
            return select(func.count()).select_from(counted).scalar_subquery()
        case "__typename":
            return key(page_type)
    raise Unplannable(f"a page's {selected.name} is not planned")


def _estimates_matching(read: RootRead) -> Select[Any]:
    where: EstimateFilter = read.field.arguments["where"]
    return matching_estimates(where, read.now)


def _orders_matching(read: RootRead) -> Select[Any]:
    where: OrderFilter = read.field.arguments["where"]
    return matching_orders(where)


ROOTS: dict[str, Callable[[RootRead], Select[Any]]] = {
    "estimate": _one(estimates, "Estimate"),
    "serviceOrder": _one(service_orders, "ServiceOrder"),
    "estimates": _page(estimates, "Estimate", _estimates_matching, ESTIMATES_ORDER),
    "serviceOrders": _page(service_orders, "ServiceOrder", _orders_matching, ORDERS_ORDER),
}
"""The root fields the compiled read path answers, by name."""


def statement_of(read: RootRead) -> Select[Any]:
    build = ROOTS.get(read.field.name)
    if build is None:
        raise Unplannable(f"the root field {read.field.name} is not planned")
    return build(read)
