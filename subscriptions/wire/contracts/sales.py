"""Sales orders on the wire, in the CRM envelope (as seed 002's events, whose
`SalesOrderFulfilledEvent` accounts receivable consumes), aggregate type `sales_order`,
`aggregateId` the order's id, one topic per move (`sales.order.*`). Seed 004 names
`OrderInventoryAllocatedEvent` and `OrderFulfillmentStartedEvent`; the payloads are
the gateway's contract (docs/sales.md). Amounts and quantities are JSON numbers,
instants ISO 8601 UTC.

Every payload has `{orderId, customerId}`, plus:

- `OrderInventoryAllocatedEvent` `{lines, totalAmount, currency, reservedUntil, orderedBy}`
- `OrderFulfillmentStartedEvent` `{fulfillmentId, startedBy}`
- `SalesOrderFulfilledEvent` `{fulfillmentId, lines, totalAmount, currency, fulfilledAt,
  fulfilledBy}`
- `SalesOrderShippedEvent` `{fulfillmentId, carrier, trackingNumber, shippedAt, shippedBy}`
- `SalesOrderDeliveredEvent` `{fulfillmentId, deliveredAt, deliveredBy}`
- `SalesOrderCancelledEvent` `{previousStatus, reason, reservationIds, cancelledBy}`

with `lines: [{lineNumber, productId, sku, locationId, quantity, unitPrice, lineTotal,
reservationId}]`. The `...At` instants are the event's own (its envelope `timestamp`).

`SalesOrderSyncedEvent` `{orderId, customerId, reservedAgain: [{lineNumber, sku,
previousReservationId, reservationId}], stillShort: [{lineNumber, sku, locationId,
required, available}], syncedBy}` on `sales.order.synced`.

Opportunities (aggregate type `opportunity`; seed 004 names
`OpportunityInventoryAllocatedEvent`), `{opportunityId, customerId}` plus:
`OpportunityCreatedEvent` `{salesRepId, stage, probability, expectedCloseDate, items}`,
`OpportunityInventoryAllocatedEvent` `{items, expectedCloseDate, reservedUntil}`,
`OpportunityInventoryReleasedEvent` `{reservationIds, reason}`,
`OpportunityStageChangedEvent` `{stage, previousStage, probability, orderId}`, with
`items: [{lineNumber, productId, sku, locationId, quantity, unitPrice, reservationId}]`,
on `sales.opportunity.created`, `.inventory_allocated`, `.inventory_released` and
`.stage_changed`.

Backorders (aggregate type `backorder`, seed 004's names): `BackorderCreatedEvent`
`{backorderId, customerId, orderId, productId, sku, locationId, quantity, priority,
expectedFulfillmentDate, createdBy}` on `sales.backorder.created`;
`BackorderFulfilledEvent` `{backorderId, customerId, orderId, productId, sku, locationId,
quantity, priority, reservationId, fulfilledAt}` on `sales.backorder.fulfilled`.
"""

from __future__ import annotations

from dataclasses import is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from domain.instants import utc_text
from domain.sales.backorders import BackorderCreated, BackorderFulfilled
from domain.sales.events import (
    LineReservedAgain,
    LineStillShort,
    SalesOrderCancelled,
    SalesOrderDelivered,
    SalesOrderFulfilled,
    SalesOrderFulfillmentStarted,
    SalesOrderInventoryAllocated,
    SalesOrderShipped,
    SalesOrderSynced,
)
from domain.sales.opportunities import (
    OpportunityCreated,
    OpportunityInventoryAllocated,
    OpportunityInventoryReleased,
    OpportunityItem,
    OpportunityStageChanged,
)
from subscriptions.wire.contract import Contract, parsed, read
from subscriptions.wire.event import WireEvent
from subscriptions.wire.payload_schema import INSTANT, STRING, Schema, record

INVENTORY_ALLOCATED = "OrderInventoryAllocatedEvent"
FULFILLMENT_STARTED = "OrderFulfillmentStartedEvent"
FULFILLED = "SalesOrderFulfilledEvent"
SHIPPED = "SalesOrderShippedEvent"
DELIVERED = "SalesOrderDeliveredEvent"
CANCELLED = "SalesOrderCancelledEvent"
SYNCED = "SalesOrderSyncedEvent"
OPPORTUNITY_CREATED = "OpportunityCreatedEvent"
OPPORTUNITY_ALLOCATED = "OpportunityInventoryAllocatedEvent"
OPPORTUNITY_RELEASED = "OpportunityInventoryReleasedEvent"
OPPORTUNITY_STAGE_CHANGED = "OpportunityStageChangedEvent"
BACKORDER_CREATED = "BackorderCreatedEvent"
BACKORDER_FULFILLED = "BackorderFulfilledEvent"

LINE = {
    "line_number": "lineNumber",
    "product_id": "productId",
    "sku": "sku",
    "location_id": "locationId",
    "quantity": "quantity",
    "unit_price": "unitPrice",
    "line_total": "lineTotal",
    "reservation_id": "reservationId",
}
ORDER = {"customer_id": "customerId"}
PRICED = {"lines": "lines", "total_amount": "totalAmount", "currency": "currency"}
ALLOCATED = {**ORDER, **PRICED, "reserved_until": "reservedUntil", "ordered_by": "orderedBy"}
STARTED = {**ORDER, "fulfillment_id": "fulfillmentId", "started_by": "startedBy"}
FULFILLED_FIELDS = {
    **ORDER,
    **PRICED,
    "fulfillment_id": "fulfillmentId",
    "fulfilled_by": "fulfilledBy",
}
SHIPPED_FIELDS = {
    **ORDER,
    "fulfillment_id": "fulfillmentId",
    "carrier": "carrier",
    "tracking_number": "trackingNumber",
    "shipped_by": "shippedBy",
}
DELIVERED_FIELDS = {**ORDER, "fulfillment_id": "fulfillmentId", "delivered_by": "deliveredBy"}
CANCELLED_FIELDS = {
    **ORDER,
    "previous_status": "previousStatus",
    "reason": "reason",
    "reservation_ids": "reservationIds",
    "cancelled_by": "cancelledBy",
}

BACKORDER = {
    "customer_id": "customerId",
    "order_id": "orderId",
    "product_id": "productId",
    "sku": "sku",
    "location_id": "locationId",
    "quantity": "quantity",
    "priority": "priority",
}
BACKORDER_CREATED_FIELDS = {
    **BACKORDER,
    "expected_fulfillment_date": "expectedFulfillmentDate",
    "created_by": "createdBy",
}
BACKORDER_FULFILLED_FIELDS = {**BACKORDER, "reservation_id": "reservationId"}
SYNCED_FIELDS = {
    **ORDER,
    "reserved_again": "reservedAgain",
    "still_short": "stillShort",
    "synced_by": "syncedBy",
}
RESERVED_AGAIN = {
    "line_number": "lineNumber",
    "sku": "sku",
    "previous_reservation_id": "previousReservationId",
    "reservation_id": "reservationId",
}
STILL_SHORT = {
    "line_number": "lineNumber",
    "sku": "sku",
    "location_id": "locationId",
    "required": "required",
    "available": "available",
}
OPPORTUNITY_ITEM = {
    "line_number": "lineNumber",
    "product_id": "productId",
    "sku": "sku",
    "location_id": "locationId",
    "quantity": "quantity",
    "unit_price": "unitPrice",
    "reservation_id": "reservationId",
}
OPPORTUNITY_CREATED_FIELDS = {
    **ORDER,
    "sales_rep_id": "salesRepId",
    "stage": "stage",
    "probability": "probability",
    "expected_close_date": "expectedCloseDate",
    "items": "items",
}
OPPORTUNITY_ALLOCATED_FIELDS = {
    **ORDER,
    "items": "items",
    "expected_close_date": "expectedCloseDate",
    "reserved_until": "reservedUntil",
}
OPPORTUNITY_RELEASED_FIELDS = {**ORDER, "reservation_ids": "reservationIds", "reason": "reason"}
OPPORTUNITY_STAGE_FIELDS = {
    **ORDER,
    "stage": "stage",
    "previous_stage": "previousStage",
    "probability": "probability",
    "order_id": "orderId",
}
NESTED: dict[type[Any], dict[str, str]] = {
    LineReservedAgain: RESERVED_AGAIN,
    LineStillShort: STILL_SHORT,
    OpportunityItem: OPPORTUNITY_ITEM,
}
"""The payload names of each kind of nested record (order lines use LINE)."""


_AS_THEY_ARE = frozenset({str, int, bool, Decimal, type(None)})
"""Types a payload holds as they are: most facts are, so they are told apart first."""


def _plain(value: Any) -> Any:
    """A fact's value as JSON carries it: enums by name, instants as UTC text, lines
    as objects with the contract's names, tuples as lists."""
    if type(value) in _AS_THEY_ARE:
        return value
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if is_dataclass(value):
        names = NESTED.get(type(value), LINE)
        return {field: _plain(getattr(value, fact)) for fact, field in names.items()}
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _contract(
    event_class: type[Any],
    name: str,
    names: dict[str, str],
    instant: str | None = None,
    key: str = "orderId",
) -> Contract[Any]:
    """`names` go out field for field under `key` (the aggregate's id); `instant` names
    the payload field carrying the event's own time, if the contract shows one."""

    def document(event: Any) -> dict[str, Any]:
        payload = {key: event.aggregate_id}
        payload |= {field: _plain(getattr(event, fact)) for fact, field in names.items()}
        if instant is not None:
            payload[instant] = utc_text(event.occurred_at)
        return payload

    def fact(wire: WireEvent) -> Any:
        facts = read(wire.payload, names)
        for fact_name, nested in (
            ("lines", LINE),
            ("items", OPPORTUNITY_ITEM),
            ("reserved_again", RESERVED_AGAIN),
            ("still_short", STILL_SHORT),
        ):
            held = facts.get(fact_name)
            if isinstance(held, list):
                facts[fact_name] = [read(x, nested) if isinstance(x, dict) else x for x in held]
        every = {**names, **LINE, **OPPORTUNITY_ITEM, **RESERVED_AGAIN, **STILL_SHORT}
        return parsed(event_class, wire, facts, every)

    return Contract(event_class, name, document, fact)


_CONTRACTS: tuple[tuple[Any, ...], ...] = (
    (SalesOrderInventoryAllocated, INVENTORY_ALLOCATED, ALLOCATED, None),
    (SalesOrderFulfillmentStarted, FULFILLMENT_STARTED, STARTED, None),
    (SalesOrderFulfilled, FULFILLED, FULFILLED_FIELDS, "fulfilledAt"),
    (SalesOrderShipped, SHIPPED, SHIPPED_FIELDS, "shippedAt"),
    (SalesOrderDelivered, DELIVERED, DELIVERED_FIELDS, "deliveredAt"),
    (SalesOrderCancelled, CANCELLED, CANCELLED_FIELDS, None),
    (SalesOrderSynced, SYNCED, SYNCED_FIELDS, None),
    (OpportunityCreated, OPPORTUNITY_CREATED, OPPORTUNITY_CREATED_FIELDS, None, "opportunityId"),
    (
        OpportunityInventoryAllocated,
        OPPORTUNITY_ALLOCATED,
        OPPORTUNITY_ALLOCATED_FIELDS,
        None,
        "opportunityId",
    ),
    (
        OpportunityInventoryReleased,
        OPPORTUNITY_RELEASED,
        OPPORTUNITY_RELEASED_FIELDS,
        None,
        "opportunityId",
    ),
    (
        OpportunityStageChanged,
        OPPORTUNITY_STAGE_CHANGED,
        OPPORTUNITY_STAGE_FIELDS,
        None,
        "opportunityId",
    ),
    (BackorderCreated, BACKORDER_CREATED, BACKORDER_CREATED_FIELDS, None, "backorderId"),
    (
        BackorderFulfilled,
        BACKORDER_FULFILLED,
        BACKORDER_FULFILLED_FIELDS,
        "fulfilledAt",
        "backorderId",
    ),
)
CONTRACTS = tuple(_contract(*spec) for spec in _CONTRACTS)
OPPORTUNITY_TOPICS = {
    OPPORTUNITY_CREATED: "sales.opportunity.created",
    OPPORTUNITY_ALLOCATED: "sales.opportunity.inventory_allocated",
    OPPORTUNITY_RELEASED: "sales.opportunity.inventory_released",
    OPPORTUNITY_STAGE_CHANGED: "sales.opportunity.stage_changed",
}
BACKORDER_TOPICS = {
    BACKORDER_CREATED: "sales.backorder.created",
    BACKORDER_FULFILLED: "sales.backorder.fulfilled",
}
TOPICS: dict[str, str] = {
    INVENTORY_ALLOCATED: "sales.order.inventory_allocated",
    FULFILLMENT_STARTED: "sales.order.fulfillment_started",
    FULFILLED: "sales.order.fulfilled",
    SHIPPED: "sales.order.shipped",
    DELIVERED: "sales.order.delivered",
    CANCELLED: "sales.order.cancelled",
    SYNCED: "sales.order.synced",
}
"""Each event's topic (registered in subscriptions/wire/registry.py)."""

_LINES = {
    "lines": LINE,
    "items": OPPORTUNITY_ITEM,
    "reserved_again": RESERVED_AGAIN,
    "still_short": STILL_SHORT,
}


def _schema(
    event_class: type[Any],
    name: str,
    names: dict[str, str],
    instant: str | None = None,
    key: str = "orderId",
) -> Schema:
    """The payload `_contract` writes for the same arguments."""
    extra = {key: STRING} | ({} if instant is None else {instant: INSTANT})
    return record(event_class, names, _LINES, **extra)


SCHEMAS: dict[str, Schema] = {spec[1]: _schema(*spec) for spec in _CONTRACTS}
"""Each contract's payload (subscriptions/wire/payload_schema.py), by its name."""
