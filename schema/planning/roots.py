"""The planned root fields' arguments, turned into what their resolvers turn them into.

`estimates` and `serviceOrders` take the same filter and page as their resolvers build
(schema/estimates/queries.py, schema/service_orders/queries.py), with the same
defaults; a page out of range raises the same domain error, and the planner then leaves
the operation to those resolvers, which answer it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from domain.estimates.search import EstimateFilter
from domain.estimates.status import EstimateStatus
from domain.read_shapes import Selected
from domain.service_orders.search import OrderFilter
from domain.service_orders.status import Priority, ServiceOrderStatus
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


def _page(arguments: Arguments) -> Any:
    return page_request(arguments.get("pageIndex"), arguments.get("pageSize"))


ROOT_ARGUMENTS: dict[str, Callable[[Arguments], dict[str, Any]]] = {
    "estimate": _one,
    "serviceOrder": _one,
    "estimates": _estimates,
    "serviceOrders": _service_orders,
}


def with_domain_arguments(root: Selected) -> Selected:
    """`root` with its arguments as its resolver would pass them on."""
    return Selected(
        root.key, root.name, root.on, ROOT_ARGUMENTS[root.name](root.arguments), root.children
    )
