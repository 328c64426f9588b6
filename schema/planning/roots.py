"""The planned fields' arguments, turned into what their resolvers turn them into.

`estimates` and `serviceOrders` take the same filter and page as their resolvers build
(schema/estimates/queries.py, schema/service_orders/queries.py), with the same
defaults; a page out of range raises the same domain error, and the planner then leaves
the operation to those resolvers, which answer it. So do the link lists' (`first`, `after`,
`status`, `since`, `until`, `priority`: schema/work_lists.py); an invalid cursor or
`first` raises their domain errors likewise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from domain.estimates.search import EstimateFilter
from domain.estimates.status import EstimateStatus
from domain.inventory.customer_view import InventoryViewFilter
from domain.read_shapes import Selected
from domain.service_orders.search import OrderFilter
from domain.service_orders.status import Priority, ServiceOrderStatus
from schema.connections import connection_request
from schema.paging import page_request

Arguments = Mapping[str, Any]


def _one(arguments: Arguments) -> dict[str, Any]:
    return {"id": str(arguments["id"])}


def _estimates(arguments: Arguments) -> dict[str, Any]:
    where = EstimateFilter(
        customer_id=arguments.get("customerId"),
        vehicle_id=arguments.get("vehicleId"),
        location_id=arguments.get("locationId"),
        statuses=tuple(EstimateStatus(s) for s in arguments.get("status") or ()),
        since=arguments.get("since"),
        until=arguments.get("until"),
    )
    return {"where": where, "page": _page(arguments)}


def _service_orders(arguments: Arguments) -> dict[str, Any]:
    where = OrderFilter(
        location_id=arguments.get("locationId"),
        statuses=tuple(ServiceOrderStatus(s) for s in arguments.get("status") or ()),
        priorities=tuple(Priority(p) for p in arguments.get("priority") or ()),
        customer_id=arguments.get("customerId"),
    )
    return {"where": where, "page": _page(arguments)}


def _inventory_view(arguments: Arguments) -> dict[str, Any]:
    """As schema/inventory/customer_view_queries.py's `inventory_view` passes them on."""
    return {
        "customer_id": str(arguments["customerId"]),
        "where": InventoryViewFilter.of(arguments.get("locationId"), arguments.get("search")),
        "page": _page(arguments),
    }


def _page(arguments: Arguments) -> Any:
    return page_request(arguments.get("pageIndex"), arguments.get("pageSize"))


ROOT_ARGUMENTS: dict[str, Callable[[Arguments], dict[str, Any]]] = {
    "estimate": _one,
    "serviceOrder": _one,
    "estimates": _estimates,
    "serviceOrders": _service_orders,
    "customerInventoryView": _inventory_view,
}


def _link_estimates(arguments: Arguments) -> dict[str, Any]:
    where = EstimateFilter(
        statuses=tuple(EstimateStatus(s) for s in arguments.get("status") or ()),
        since=arguments.get("since"),
        until=arguments.get("until"),
    )
    return {"where": where, "page": _link_page(arguments)}


def _link_orders(arguments: Arguments) -> dict[str, Any]:
    where = OrderFilter(
        statuses=tuple(ServiceOrderStatus(s) for s in arguments.get("status") or ()),
        priorities=tuple(Priority(p) for p in arguments.get("priority") or ()),
    )
    return {"where": where, "page": _link_page(arguments)}


def _link_page(arguments: Arguments) -> Any:
    return connection_request(arguments.get("first"), arguments.get("after"))


LINK_ARGUMENTS: dict[str, Callable[[Arguments], dict[str, Any]]] = {
    "estimates": _link_estimates,
    "serviceOrders": _link_orders,
}
"""The link lists of a customer, vehicle or location (schema/work_lists.py)."""
PARTIES = frozenset({"Customer", "Vehicle", "Location"})


def with_domain_arguments(root: Selected) -> Selected:
    """`root` with its arguments, and those of the link lists under it, as their
    resolvers would pass them on; an argument they would refuse raises their error."""
    return Selected(
        root.key,
        root.name,
        root.on,
        ROOT_ARGUMENTS[root.name](root.arguments),
        tuple(_converted(child) for child in root.children),
    )


def _converted(selected: Selected) -> Selected:
    children = tuple(_converted(child) for child in selected.children)
    arguments = selected.arguments
    if selected.on in PARTIES and selected.name in LINK_ARGUMENTS:
        arguments = LINK_ARGUMENTS[selected.name](arguments)
    return Selected(selected.key, selected.name, selected.on, arguments, children)
