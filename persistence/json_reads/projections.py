"""Each planned type's fields as SQL expressions building its JSON object.

`OBJECTS` names, for every type the compiled read path answers, the fields it answers
and how: a column in the scalar format the GraphQL layer gives it (formats.py), a value
computed from the row as the domain computes it, an embedded object of the same row,
an object a reference leads to (a correlated subquery of the same tenant, null when
missing, as the DataLoaders answer), or a list of children in their stored order. A
field not listed here is unplannable, and so is the operation selecting it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Integer, Select, Table, and_, bindparam, case, func, literal_column, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.sql.elements import BindParameter, ColumnElement, UnaryExpression
from sqlalchemy.sql.selectable import FromClause

from domain.estimates.status import EstimateStatus
from domain.read_shapes import Selected, Unplannable
from persistence.json_reads.formats import (
    count,
    decimal_text,
    iso_date,
    iso_datetime,
    key,
    plain_quantity,
)
from persistence.tables import (
    customers,
    estimate_approvals,
    estimate_items,
    estimates,
    locations,
    service_order_items,
    service_orders,
    vehicles,
)

MOST_KEYS = 50
"""json_build_object takes at most 100 arguments: 50 keys with their values."""
EMPTY_LIST = literal_column("'[]'::json")


@dataclass(frozen=True, slots=True)
class Link:
    """A link list (`Customer.estimates`...) in a statement: the prefix of its bind
    parameters' names (its page), its filter with slots for its values, the rows it
    takes (one more than its page, written into the statement) and its offset (None on
    a first page, else a bind parameter; statements.py, `skipped`)."""

    prefix: str
    filtered: Callable[[], Select[Any]]
    taken: int
    skip: ColumnElement[Any] | None


@dataclass(frozen=True, slots=True)
class Scope:
    """The row an object is built from (a table or an alias of it), the instant the
    statement reads at, and the link lists of the selection by their `Selected`."""

    row: FromClause
    now: BindParameter[Any]
    links: Mapping[int, Link] = field(default_factory=dict)

    def column(self, name: str) -> ColumnElement[Any]:
        return self.row.c[name]

    def of(self, row: FromClause) -> Scope:
        return Scope(row, self.now, self.links)


Value = Callable[[Scope, Selected], ColumnElement[Any]]


def json_object(type_name: str, scope: Scope, selections: Sequence[Selected]) -> ColumnElement[Any]:
    """The JSON object of `type_name` with the selected fields under their keys."""
    fields = OBJECTS.get(type_name)
    if fields is None:
        raise Unplannable(f"the type {type_name} is not planned")
    if len(selections) > MOST_KEYS:
        raise Unplannable(f"{len(selections)} keys in one object")
    arguments: list[ColumnElement[Any]] = []
    for selected in selections:
        if selected.name == "__typename":
            value: ColumnElement[Any] = key(type_name)
        else:
            build = fields.get(selected.name)
            if build is None:
                raise Unplannable(f"{type_name}.{selected.name} is not planned")
            value = build(scope, selected)
        arguments += [key(selected.key), value]
    return func.json_build_object(*arguments)


def column(
    name: str, form: Callable[[ColumnElement[Any]], ColumnElement[Any]] | None = None
) -> Value:
    def value(scope: Scope, selected: Selected) -> ColumnElement[Any]:
        found = scope.column(name)
        return found if form is None else form(found)

    return value


def computed(expression: Callable[[Scope], ColumnElement[Any]]) -> Value:
    return lambda scope, selected: expression(scope)


def embedded(type_name: str) -> Value:
    """An object of the same row (an estimate's totals)."""
    return lambda scope, selected: json_object(type_name, scope, selected.children)


def reference(table: Table, type_name: str, foreign_key: str, key_column: str = "id") -> Value:
    """The object `foreign_key` names, of the same tenant; null when there is none."""

    def value(scope: Scope, selected: Selected) -> ColumnElement[Any]:
        row = table.alias()
        return (
            select(json_object(type_name, scope.of(row), selected.children))
            .where(
                row.c.tenant_id == scope.column("tenant_id"),
                row.c[key_column] == scope.column(foreign_key),
            )
            .scalar_subquery()
        )

    return value


def children(table: Table, type_name: str, parent_key: str) -> Value:
    """The rows of `table` naming this row, in their stored position; `[]` for none."""

    def value(scope: Scope, selected: Selected) -> ColumnElement[Any]:
        row = table.alias()
        built = json_object(type_name, scope.of(row), selected.children)
        return (
            select(
                func.coalesce(func.json_agg(aggregate_order_by(built, row.c.position)), EMPTY_LIST)
            )
            .where(
                row.c.tenant_id == scope.column("tenant_id"),
                row.c[parent_key] == scope.column("id"),
            )
            .scalar_subquery()
        )

    return value


def estimate_status(scope: Scope) -> ColumnElement[Any]:
    """`Estimate.status_at(now)`: a pending estimate past its validity is EXPIRED."""
    pending = scope.column("status") == EstimateStatus.PENDING_APPROVAL.value
    return case(
        (and_(pending, scope.column("expires_at") <= scope.now), EstimateStatus.EXPIRED.value),
        else_=scope.column("status"),
    )


def line_subtotal(scope: Scope) -> ColumnElement[Any]:
    """`EstimateItem.subtotal`: quantity x price (x labor units), half-up to the cent."""
    units = func.coalesce(scope.column("labor_units"), 1)
    return func.round(scope.column("quantity") * units * scope.column("unit_price"), 2)


def line_total(scope: Scope) -> ColumnElement[Any]:
    return line_subtotal(scope) - scope.column("line_discount") + scope.column("tax_amount")


def cursor(position: ColumnElement[Any]) -> ColumnElement[Any]:
    """`schema.connections.cursor_at`: "position:<n>" in URL-safe base64."""
    text = func.concat(literal_column("'position:'"), position)
    encoded = func.encode(
        func.convert_to(text, literal_column("'UTF8'")), literal_column("'base64'")
    )
    return func.translate(encoded, literal_column("'+/'"), literal_column("'-_'"))


def connection(table: Table, type_name: str, party_column: str) -> Value:
    """A party's list of `table` as a connection (schema/connections.py): its page in
    the lists' one order after the cursor, one row more telling whether another follows,
    `totalCount` counted only when selected."""

    def value(scope: Scope, selected: Selected) -> ColumnElement[Any]:
        link = scope.links[id(selected)]
        first = bindparam(f"{link.prefix}first", type_=Integer)
        skip = count(0) if link.skip is None else link.skip
        filtered = link.filtered().where(table.c[party_column] == scope.column("id"))
        order = (table.c.created_at.desc(), table.c.id.desc())
        taken = (
            filtered.with_only_columns(*table.c)
            .order_by(*order)
            .limit(count(link.taken))
            .offset(link.skip)
            .correlate(scope.row)
            .subquery()
        )
        nodes = _node_selections(selected)
        rows = (
            select(
                func.row_number().over(order_by=of_row(order, taken)).label("n"),
                *(
                    json_object(type_name, scope.of(taken), node.children).label(f"node_{n}")
                    for n, node in enumerate(nodes)
                ),
            )
            .select_from(taken)
            .correlate(scope.row)
            .subquery()
        )
        page = _Page(rows, nodes, first, skip, type_name)
        built = _object(
            selected.children,
            f"{type_name}Connection",
            {
                "edges": page.edges,
                "nodes": lambda s: page.listed(rows.c[f"node_{nodes.index(s)}"]),
                "pageInfo": page.page_info,
                "totalCount": lambda s: (
                    select(func.count())
                    .select_from(filtered.order_by(None).correlate(scope.row).subquery())
                    .scalar_subquery()
                ),
            },
        )
        return select(built).select_from(rows).scalar_subquery()

    return value


def of_row(order: Sequence[ColumnElement[Any]], row: FromClause) -> list[ColumnElement[Any]]:
    """The lists' order (`created_at DESC, id DESC`) over `row`'s columns of the same
    names: a page's rows, taken in that order straight with every column they show, so
    the page reads no row twice (by id, then whole)."""
    return [
        UnaryExpression(row.c[o.element.name], modifier=o.modifier)  # type: ignore[attr-defined]
        for o in order
    ]


def _node_selections(selected: Selected) -> list[Selected]:
    """Every selection of a connection that lists its rows (`nodes`, `edges { node }`),
    each built as a column of its own."""
    found = []
    for child in selected.children:
        if child.name == "nodes":
            found.append(child)
        elif child.name == "edges":
            found += [edge for edge in child.children if edge.name == "node"]
    return found


def _object(
    selections: Sequence[Selected],
    type_name: str,
    fields: Mapping[str, Callable[[Selected], ColumnElement[Any]]],
) -> ColumnElement[Any]:
    arguments: list[ColumnElement[Any]] = []
    for selected in selections:
        if selected.name == "__typename":
            value: ColumnElement[Any] = key(type_name)
        elif selected.name in fields:
            value = fields[selected.name](selected)
        else:
            raise Unplannable(f"{type_name}.{selected.name} is not planned")
        arguments += [key(selected.key), value]
    return func.json_build_object(*arguments)


@dataclass(frozen=True)
class _Page:
    """A connection's page over its rows (numbered `n` from 1, one more than `first`)."""

    rows: Any
    nodes: list[Selected]
    first: BindParameter[Any]
    skip: ColumnElement[Any]
    type_name: str

    def listed(self, value: ColumnElement[Any]) -> ColumnElement[Any]:
        on_page = self.rows.c.n <= self.first
        aggregated = func.json_agg(aggregate_order_by(value, self.rows.c.n)).filter(on_page)
        return func.coalesce(aggregated, EMPTY_LIST)

    def edges(self, selected: Selected) -> ColumnElement[Any]:
        edge = _object(
            selected.children,
            f"{self.type_name}Edge",
            {
                "cursor": lambda s: cursor(self.skip + self.rows.c.n - 1),
                "node": lambda s: self.rows.c[f"node_{self.nodes.index(s)}"],
            },
        )
        return self.listed(edge)

    def page_info(self, selected: Selected) -> ColumnElement[Any]:
        shown = func.least(func.count(), self.first)
        return _object(
            selected.children,
            "PageInfo",
            {
                "hasNextPage": lambda s: func.count() > self.first,
                "hasPreviousPage": lambda s: self.skip > 0,
                "startCursor": lambda s: case((shown > 0, cursor(self.skip)), else_=None),
                "endCursor": lambda s: case((shown > 0, cursor(self.skip + shown - 1)), else_=None),
            },
        )


def stamps() -> dict[str, Value]:
    return {
        "version": column("version"),
        "createdAt": column("created_at", iso_datetime),
        "updatedAt": column("updated_at", iso_datetime),
    }


def work_lists(party_column: str) -> dict[str, Value]:
    """The estimates and service orders of a party (schema/work_lists.py)."""
    return {
        "estimates": connection(estimates, "Estimate", party_column),
        "serviceOrders": connection(service_orders, "ServiceOrder", party_column),
    }


def work_parties() -> dict[str, Value]:
    """The parties every piece of work names (schema/work_parties.py)."""
    return {
        "customerId": column("customer_id"),
        "vehicleId": column("vehicle_id"),
        "locationId": column("location_id"),
        "customer": reference(customers, "Customer", "customer_id"),
        "vehicle": reference(vehicles, "Vehicle", "vehicle_id"),
        "location": reference(locations, "Location", "location_id"),
    }


OBJECTS: dict[str, dict[str, Value]] = {
    "Estimate": {
        "estimateId": column("id"),
        "estimateNumber": column("number"),
        "revision": column("revision"),
        "status": computed(estimate_status),
        "items": children(estimate_items, "EstimateItem", "estimate_id"),
        "discountPercent": column("discount_percent", decimal_text),
        "discountFixedAmount": column("discount_fixed", decimal_text),
        "totals": embedded("EstimateTotals"),
        "legalTermsVersion": computed(lambda s: s.column("policy")["legal_terms_version"].astext),
        "submittedAt": column("submitted_at", iso_datetime),
        "expiresAt": column("expires_at", iso_datetime),
        "validUntil": computed(
            lambda s: iso_date(func.timezone(literal_column("'UTC'"), s.column("expires_at")))
        ),
        "approval": reference(estimate_approvals, "EstimateApproval", "id", "estimate_id"),
        "declineReason": column("decline_reason"),
        "previousRevisionId": column("previous_id"),
        "latestAuditEventId": column("latest_audit_event_id"),
        "supersededById": column("superseded_by"),
        "createdBy": column("created_by"),
        "createdAt": column("created_at", iso_datetime),
        "version": column("version"),
        **work_parties(),
    },
    "EstimateItem": {
        "itemId": column("item_id"),
        "itemType": column("item_type"),
        "description": column("description"),
        "quantity": column("quantity", plain_quantity),
        "unitPrice": column("unit_price", decimal_text),
        "taxCode": column("tax_code"),
        "catalogId": column("catalog_id"),
        "laborUnits": column("labor_units", decimal_text),
        "priceOverridden": column("price_overridden"),
        "subtotal": computed(lambda s: decimal_text(line_subtotal(s))),
        "discount": column("line_discount", decimal_text),
        "taxAmount": column("tax_amount", decimal_text),
        "lineTotal": computed(lambda s: decimal_text(line_total(s))),
    },
    "EstimateTotals": {
        "subtotalServices": column("subtotal_services", decimal_text),
        "subtotalMaterials": column("subtotal_materials", decimal_text),
        "subtotal": computed(
            lambda s: decimal_text(s.column("subtotal_services") + s.column("subtotal_materials"))
        ),
        "discountAmount": column("discount_amount", decimal_text),
        "taxTotal": column("tax_total", decimal_text),
        "grandTotal": column("grand_total", decimal_text),
        "itemCount": column("item_count"),
        "currencyUomId": column("currency_uom_id"),
    },
    "EstimateApproval": {
        "approvalMethod": column("approval_method"),
        "approvedBy": column("approved_by"),
        "approvedAt": column("approved_at", iso_datetime),
        "legalTermsVersion": column("legal_terms_version"),
        "signaturePresent": computed(lambda s: s.column("signature").is_not(None)),
    },
    "ServiceOrder": {
        "serviceOrderId": column("id"),
        "priority": column("priority"),
        "status": column("status"),
        "description": column("description"),
        "estimateId": column("estimate_id"),
        "items": children(service_order_items, "ServiceOrderItem", "service_order_id"),
        "scheduleStart": column("schedule_start", iso_datetime),
        "scheduleEnd": column("schedule_end", iso_datetime),
        "technicianId": column("technician_id"),
        "appointmentId": column("appointment_id"),
        "startedAt": column("started_at", iso_datetime),
        "completionTime": column("completed_at", iso_datetime),
        "resolutionCode": column("resolution_code"),
        "cancelledAt": column("cancelled_at", iso_datetime),
        "cancellationReason": column("cancellation_reason"),
        "contractId": column("contract_id"),
        "coveredByContract": computed(lambda s: s.column("contract_id").is_not(None)),
        "billedAt": column("billed_at", iso_datetime),
        "createdAt": column("created_at", iso_datetime),
        "version": column("version"),
        **work_parties(),
    },
    "ServiceOrderItem": {
        "itemId": column("item_id"),
        "itemType": column("item_type"),
        "description": column("description"),
        "quantity": column("quantity", decimal_text),
        "unitPrice": column("unit_price", decimal_text),
        "taxCode": column("tax_code"),
    },
    "Customer": {
        "customerId": column("id"),
        "partyId": column("party_id"),
        "name": column("name"),
        "email": column("email"),
        "phone": column("phone"),
        "billingTermsId": column("billing_terms_id"),
        "tier": column("tier"),
        "creditLimit": column("credit_limit", decimal_text),
        **work_lists("customer_id"),
        **stamps(),
    },
    "Vehicle": {
        "vehicleId": column("id"),
        "vin": column("vin"),
        "description": column("description"),
        "unitNumber": column("unit_number"),
        "licensePlate": column("license_plate"),
        "customerId": column("customer_id"),
        "customer": reference(customers, "Customer", "customer_id"),
        **work_lists("vehicle_id"),
        **stamps(),
    },
    "Location": {
        "locationId": column("id"),
        "name": column("name"),
        "currencyUomId": column("currency_uom_id"),
        "timeZone": column("time_zone"),
        **work_lists("location_id"),
        **stamps(),
    },
}
