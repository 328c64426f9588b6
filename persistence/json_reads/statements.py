"""One statement per planned root field, returning the field's JSON as text.

A single object (`estimate(id:)`, `serviceOrder(id:)`) is its row's JSON object, or no
row when the tenant has none (the caller then lets the ordinary path answer the
not-found error). A page (`estimates`, `serviceOrders`) filters with the repositories'
own filter (`matching`), takes one row more than the page in the lists' one order, and
builds `{ items pageIndex pageSize hasNextPage totalCount }` from them; `totalCount` is
counted only when selected, as on the ordinary path.

Building such a statement with SQLAlchemy cost 1.5-1.9 ms of CPU, more than the rest of
the request, so each is built once per shape (the root, the selection under it, which
filters are set, the page's size, whether it is a first page) with bind parameters
for the request's values (the id, the instant, a later page's offset, the filters'
values), and kept (`SHAPES` of them, the most recently used). A
kept statement is the same object on every request, so the driver finds its compiled
form by identity too, and a request only fills in its values.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    DateTime,
    Integer,
    String,
    Table,
    Text,
    bindparam,
    cast,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from domain.estimates.search import EstimateFilter
from domain.paging import PageRequest
from domain.read_shapes import RootRead, Selected, Unplannable
from domain.service_orders.search import OrderFilter
from persistence.json_reads import inventory_view
from persistence.json_reads.formats import count, key
from persistence.json_reads.projections import (
    EMPTY_LIST,
    MOST_KEYS,
    Link,
    Scope,
    json_object,
    of_row,
)
from persistence.repositories.base import of_tenant
from persistence.repositories.estimates.repository import NEWEST_FIRST as ESTIMATES_ORDER
from persistence.repositories.estimates.repository import matching as matching_estimates
from persistence.repositories.service_orders.repository import NEWEST_FIRST as ORDERS_ORDER
from persistence.repositories.service_orders.repository import matching as matching_orders
from persistence.tables import estimates, service_orders

SHAPES = 512
INSTANT = DateTime(timezone=True)
Values = dict[str, Any]


class Slot(BindParameter[Any]):
    """A request's value in a kept statement. True as a filter value: the repositories'
    filters test a value's truth before they filter by it, and a slot is made only for a
    value that passed that test."""

    inherit_cache = True

    def __bool__(self) -> bool:
        return True


@dataclass
class Slots:
    """The bind parameters of one statement and this request's values for them, and
    the link lists of its selection (by their `Selected`)."""

    values: Values
    links: dict[int, Link] = field(default_factory=dict)

    def of(self, name: str, value: Any, type_: Any) -> Slot | None:
        """A slot for `value`, or None (no filter) when the filter would ignore it."""
        if value is None:
            return None
        self.values[name] = value
        return Slot(name, type_=type_)


def skipped(rows: int, name: str, slots: Slots) -> ColumnElement[Any] | None:
    """A page's `OFFSET`: none on a first page, else a bind parameter. A page's `LIMIT`
    is written into the statement (`count`, part of its shape). With both known when the
    statement is prepared, PostgreSQL plans a first page once for the connection and
    reuses that plan; with either bound it estimates the unknown one at a tenth of the
    table, finds that plan dearer than one made for the values, and plans anew on every
    execution, which cost a page of 50 orders more CPU than executing it. Later pages
    keep a bound offset (their number has no bound) and are planned per execution."""
    if rows == 0:
        return None
    slots.values[name] = rows
    return bindparam(name, type_=Integer)


def _selection_shape(selections: Sequence[Selected]) -> Hashable:
    return tuple((s.key, s.name, _selection_shape(s.children)) for s in selections)


def _scope(table: Table, slots: Slots) -> Scope:
    return Scope(table, bindparam("now", type_=INSTANT), slots.links)


Built = Callable[[RootRead, Slots], tuple[Hashable, Callable[[], Select[Any]]]]


def _one(table: Table, type_name: str) -> Built:
    def prepare(read: RootRead, slots: Slots) -> tuple[Hashable, Callable[[], Select[Any]]]:
        slots.values["id"] = str(read.field.arguments["id"])

        def build() -> Select[Any]:
            built = json_object(type_name, _scope(table, slots), read.field.children)
            return select(cast(built, Text)).where(
                of_tenant(table), table.c.id == bindparam("id", type_=String)
            )

        return (), build

    return prepare


def _page(
    table: Table,
    type_name: str,
    matching: Callable[[RootRead, Slots], tuple[Hashable, Callable[[], Select[Any]]]],
    order: Sequence[ColumnElement[Any]],
) -> Built:
    page_type = f"{type_name}Page"

    def prepare(read: RootRead, slots: Slots) -> tuple[Hashable, Callable[[], Select[Any]]]:
        request: PageRequest = read.field.arguments["page"]
        slots.values.update(page_size=request.page_size, page_index=request.page_index)
        skip = skipped(request.offset, "skip", slots)
        filter_shape, filtered = matching(read, slots)

        def build() -> Select[Any]:
            return _page_statement(
                read,
                type_name,
                page_type,
                filtered().limit(count(request.page_size + 1)).offset(skip),
                order,
                _scope(table, slots),
            )

        return (request.page_size, skip is None, filter_shape), build

    return prepare


def _page_statement(
    read: RootRead,
    type_name: str,
    page_type: str,
    filtered: Select[Any],
    order: Sequence[ColumnElement[Any]],
    scope: Scope,
) -> Select[Any]:
    table = scope.row
    listed = [s for s in read.field.children if s.name == "items"]
    taken = filtered.with_only_columns(*table.c).order_by(*order).subquery("taken")
    page_scope = scope.of(taken)
    rows = select(
        func.row_number().over(order_by=of_row(order, taken)).label("n"),
        *(
            json_object(type_name, page_scope, s.children).label(f"doc_{n}")
            for n, s in enumerate(listed)
        ),
    ).subquery("page")
    if len(read.field.children) > MOST_KEYS:
        raise Unplannable("too many keys in one page")
    fields: list[ColumnElement[Any]] = []
    for selected in read.field.children:
        value = _page_field(selected, page_type, listed, rows, filtered)
        fields += [key(selected.key), value]
    return select(cast(func.json_build_object(*fields), Text)).select_from(rows)


def _page_field(
    selected: Selected,
    page_type: str,
    listed: list[Selected],
    rows: Any,
    filtered: Select[Any],
) -> ColumnElement[Any]:
    page_size = bindparam("page_size", type_=Integer)
    match selected.name:
        case "items":
            doc = rows.c[f"doc_{listed.index(selected)}"]
            return func.coalesce(
                func.json_agg(aggregate_order_by(doc, rows.c.n)).filter(rows.c.n <= page_size),
                EMPTY_LIST,
            )
        case "pageIndex":
            return bindparam("page_index", type_=Integer)
        case "pageSize":
            return page_size
        case "hasNextPage":
            return func.count() > page_size
        case "totalCount":
            counted = filtered.order_by(None).limit(None).offset(None).subquery("counted")
            return select(func.count()).select_from(counted).scalar_subquery()
        case "__typename":
            return key(page_type)
    raise Unplannable(f"a page's {selected.name} is not planned")


def _estimate_filter(
    where: EstimateFilter, slots: Slots, prefix: str = ""
) -> tuple[Hashable, Callable[[], Select[Any]]]:
    """`matching_estimates` with a slot for each value set; the statuses shape the
    statement (EXPIRED and PENDING_APPROVAL read the clock) and are part of its shape."""
    before = set(slots.values)
    placeholders = EstimateFilter(
        customer_id=slots.of(f"{prefix}customer_id", where.customer_id, String),  # type: ignore[arg-type]
        vehicle_id=slots.of(f"{prefix}vehicle_id", where.vehicle_id, String),  # type: ignore[arg-type]
        location_id=slots.of(f"{prefix}location_id", where.location_id, String),  # type: ignore[arg-type]
        statuses=where.statuses,
        since=slots.of(f"{prefix}since", where.since, INSTANT),  # type: ignore[arg-type]
        until=slots.of(f"{prefix}until", where.until, INSTANT),  # type: ignore[arg-type]
    )
    shape = (tuple(sorted(set(slots.values) - before)), where.statuses)
    now = bindparam("now", type_=INSTANT)
    return shape, lambda: matching_estimates(placeholders, now)  # type: ignore[arg-type]


def _order_filter(
    where: OrderFilter, slots: Slots, prefix: str = ""
) -> tuple[Hashable, Callable[[], Select[Any]]]:
    """`matching_orders` with a slot for each value it filters by (it ignores an empty
    one); the statuses and priorities are part of the statement's shape."""
    before = set(slots.values)
    placeholders = OrderFilter(
        location_id=slots.of(f"{prefix}location_id", where.location_id or None, String),  # type: ignore[arg-type]
        statuses=where.statuses,
        priorities=where.priorities,
        customer_id=slots.of(f"{prefix}customer_id", where.customer_id or None, String),  # type: ignore[arg-type]
    )
    shape = (tuple(sorted(set(slots.values) - before)), where.statuses, where.priorities)
    return shape, lambda: matching_orders(placeholders)


def _estimates_matching(read: RootRead, slots: Slots) -> tuple[Hashable, Callable[[], Select[Any]]]:
    return _estimate_filter(read.field.arguments["where"], slots)


def _orders_matching(read: RootRead, slots: Slots) -> tuple[Hashable, Callable[[], Select[Any]]]:
    return _order_filter(read.field.arguments["where"], slots)


LINK_FILTERS = {"estimates": _estimate_filter, "serviceOrders": _order_filter}
PARTIES = frozenset({"Customer", "Vehicle", "Location"})


def _link_slots(selections: Sequence[Selected], slots: Slots, shape: list[Hashable]) -> None:
    """Slots for the page and filter of every link list under `selections`, in the
    selection's order, each under a prefix of its own (`l0_`, `l1_`...)."""
    for selected in selections:
        if selected.on in PARTIES and selected.name in LINK_FILTERS:
            prefix = f"l{len(slots.links)}_"
            page: PageRequest = selected.arguments["page"]
            slots.values[f"{prefix}first"] = page.page_size
            skip = skipped(page.skip, f"{prefix}skip", slots)
            filter_shape, filtered = LINK_FILTERS[selected.name](
                selected.arguments["where"], slots, prefix
            )
            slots.links[id(selected)] = Link(prefix, filtered, page.page_size + 1, skip)
            shape.append((page.page_size, skip is None, filter_shape))
        _link_slots(selected.children, slots, shape)


ROOTS: dict[str, Built] = {
    "estimate": _one(estimates, "Estimate"),
    "serviceOrder": _one(service_orders, "ServiceOrder"),
    "estimates": _page(estimates, "Estimate", _estimates_matching, ESTIMATES_ORDER),
    "serviceOrders": _page(service_orders, "ServiceOrder", _orders_matching, ORDERS_ORDER),
    "customerInventoryView": inventory_view.prepare,
}
"""The root fields the compiled read path answers, by name."""

_kept: OrderedDict[Hashable, Select[Any]] = OrderedDict()


def statement_of(read: RootRead) -> tuple[Select[Any], Values]:
    """The statement answering `read` and the values of its bind parameters."""
    prepare = ROOTS.get(read.field.name)
    if prepare is None:
        raise Unplannable(f"the root field {read.field.name} is not planned")
    slots = Slots({"now": read.now})
    filter_shape, build = prepare(read, slots)
    links: list[Hashable] = []
    _link_slots(read.field.children, slots, links)
    shape = (read.field.name, filter_shape, _selection_shape(read.field.children), tuple(links))
    statement = _kept.get(shape)
    if statement is None:
        statement = _kept[shape] = build()
        if len(_kept) > SHAPES:
            _kept.popitem(last=False)
    else:
        _kept.move_to_end(shape)
    return statement, slots.values
