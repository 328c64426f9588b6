"""Which topic, wire format and aggregate type each event the gateway publishes has.

Publishers call `encode` and `headers_for` (or `route_for`); consumers hand a record to
`decode` / `published_from`, which pick the decoder by topic. Routes are keyed by the
contract's own name for the event: `ServiceOrderCreatedEvent` (envelope `eventType`),
`com.durion.workexec.workorder.status_changed` (CloudEvents `type`),
`trakservice.quote.approved.v1` (quote `event_name`). A typed fact reaches its route
through its contract (`contracts/`): `to_wire` makes the seed's document of a fact and
`from_wire` parses one back.

A topic carries one aggregate type in one format (checked at import), so a consumer
knows how to read a record before reading it. The work-order topics are the gateway's
choice, as seed 001 leaves them to the infrastructure team: `workexec.workorder.{action}`.
Partition counts, for every topic, live in `subscriptions.topics.TOPICS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType
from typing import Any

from domain.events import DomainEvent, PublishedEvent
from subscriptions.wire import cloudevents, envelope, quote
from subscriptions.wire.cloudevents import DEFAULT_ENVIRONMENT
from subscriptions.wire.contract import Contract
from subscriptions.wire.contracts import (
    acknowledgements,
    credit_control,
    customers,
    estimates,
    finance,
    inventory,
    inventory_pricing,
    payments,
    receivables,
    sales,
    service_orders,
    sla,
)
from subscriptions.wire.errors import MalformedEvent, UnknownEventType
from subscriptions.wire.event import WireEvent
from subscriptions.wire.headers import (
    AGGREGATE_TYPE,
    CONTENT_TYPE,
    CORRELATION_ID,
    EVENT_ID,
    EVENT_TYPE,
    GATEWAY_SEQUENCE,
    TENANT_ID,
    TRACEPARENT,
    Headers,
    header,
)


class WireFormat(Enum):
    """A contract's serializer: `route.wire.encode(event)` is the record value to publish."""

    ENVELOPE = "envelope"
    CLOUDEVENTS = "cloudevents"
    QUOTE = "quote"

    @property
    def content_type(self) -> str:
        """The `content-type` header (CloudEvents' Kafka binding requires its own type)."""
        if self is WireFormat.CLOUDEVENTS:
            return "application/cloudevents+json; charset=UTF-8"
        return "application/json"

    def encode(self, event: WireEvent, environment: str = DEFAULT_ENVIRONMENT) -> bytes:
        """`event` in this format; `environment` is CloudEvents' `durion:environment`."""
        match self:
            case WireFormat.ENVELOPE:
                return envelope.encode(event)
            case WireFormat.CLOUDEVENTS:
                return cloudevents.encode(event, environment)
            case WireFormat.QUOTE:
                return quote.encode(event)

    def decode(self, value: bytes, aggregate_type: str, headers: Headers = ()) -> WireEvent:
        """The event in `value`; `aggregate_type` where the format does not carry one, and
        the record's `headers` where the format may leave the tenant to them."""
        match self:
            case WireFormat.ENVELOPE:
                return envelope.decode(value, aggregate_type)
            case WireFormat.CLOUDEVENTS:
                return cloudevents.decode(value, aggregate_type)
            case WireFormat.QUOTE:
                return quote.decode(value, headers)


@dataclass(frozen=True, slots=True)
class Route:
    topic: str
    wire: WireFormat
    aggregate_type: str


def _group(wire: WireFormat, aggregate_type: str, topics: dict[str, str]) -> dict[str, Route]:
    return {event_type: Route(topic, wire, aggregate_type) for event_type, topic in topics.items()}


def _work_order_topics(*actions: str) -> dict[str, str]:
    return {
        cloudevents.workexec_type("workorder", action): f"workexec.workorder.{action}"
        for action in actions
    }


_CRM_CUSTOMERS = {
    "CustomerCreatedEvent": "crm.customers.created",
    "CustomerUpdatedEvent": "crm.customers.updated",
}
_CRM_VEHICLES = {
    "VehicleRegisteredEvent": "crm.vehicles.registered",
    "VehicleUpdatedEvent": "crm.vehicles.updated",
}
_SERVICE_ORDERS = {  # seed 000
    "ServiceOrderCreatedEvent": "crm.serviceorders.created",
    "ServiceOrderScheduledEvent": "crm.serviceorders.scheduled",
    "ServiceOrderCompletedEvent": "crm.serviceorders.completed",
    "ServiceOrderBilledEvent": "crm.serviceorders.billed",
    "SlaBreachedEvent": "crm.serviceorders.sla.breached",
    "SlaAtRiskEvent": "crm.serviceorders.sla.at_risk",  # the gateway's own
}
_INVOICES = {  # seed 002
    "InvoicePostedEvent": "finance.ar.invoice.posted",
    "InvoiceCancelledEvent": "finance.ar.invoice.cancelled",
}
_PAYMENTS = {
    "PaymentReceivedEvent": "finance.ar.payment.received",
    "PaymentReversedEvent": "finance.ar.payment.reversed",
}

ROUTES: Mapping[str, Route] = MappingProxyType(
    {
        **_group(WireFormat.ENVELOPE, "customer", _CRM_CUSTOMERS),
        **_group(WireFormat.ENVELOPE, "vehicle", _CRM_VEHICLES),
        **_group(WireFormat.ENVELOPE, "service_order", _SERVICE_ORDERS),
        **_group(WireFormat.ENVELOPE, "invoice", _INVOICES),
        **_group(WireFormat.ENVELOPE, "payment", _PAYMENTS),
        **_group(
            WireFormat.ENVELOPE,
            "credit_memo",
            {"CreditMemoIssuedEvent": "finance.ar.credit.memo.issued"},
        ),
        **_group(
            WireFormat.ENVELOPE,
            "dunning_run",
            {"DunningNoticeGeneratedEvent": "finance.ar.dunning.notice.generated"},
        ),
        **_group(
            WireFormat.ENVELOPE, "customer", {"CustomerBlockedEvent": "finance.ar.customer.blocked"}
        ),
        **_group(
            WireFormat.ENVELOPE,
            "write_off",
            {"WriteOffApprovedEvent": "finance.ar.writeoff.approved"},
        ),
        **_group(
            WireFormat.CLOUDEVENTS,
            "workorder",
            _work_order_topics(
                "parts_usage_recorded",
                "work_session_recorded",
                "status_changed",
                "ready_for_billing",
                "snapshot_finalized",
                "acknowledgement_overdue",
            ),
        ),
        # seed 001's fail-closed acknowledgements (the gateway's topics, as seed 001
        # names none): published where the gateway plays the side, consumed from any
        **{
            event_type: Route(topic, WireFormat.CLOUDEVENTS, aggregate_type)
            for (event_type, topic), aggregate_type in zip(
                acknowledgements.TOPICS.items(),
                ("work_session", "sales_order", "revenue_record"),
                strict=True,
            )
        },
        **_group(WireFormat.QUOTE, "quote", {quote.QUOTE_APPROVED: quote.QUOTE_APPROVED}),
        **_group(
            WireFormat.CLOUDEVENTS,
            "stock_item",
            {
                inventory.STOCK_MOVED: "inventory.stock.moved",
                inventory.STOCK_SHORTAGE_ALERT: "inventory.stock.shortage_alert",
                inventory.STOCK_RESERVED: "inventory.stock.reservations",
                inventory.RESERVATION_RELEASED: "inventory.stock.reservations",
                inventory.RESERVATION_CONSUMED: "inventory.stock.reservations",
                inventory.RESERVATION_EXPIRED: "inventory.stock.reservations",
            },
        ),
        **_group(
            WireFormat.ENVELOPE,
            "customer_pricing",
            {inventory_pricing.CUSTOMER_PRICING_UPDATED: "inventory.customer.pricing_updated"},
        ),
        **_group(
            WireFormat.ENVELOPE,
            "customer",
            {inventory_pricing.CUSTOMER_TIER_CHANGED: "inventory.customer.tier_changed"},
        ),
        **_group(WireFormat.ENVELOPE, "sales_order", sales.TOPICS),
        **_group(WireFormat.ENVELOPE, "backorder", sales.BACKORDER_TOPICS),
        **_group(WireFormat.ENVELOPE, "opportunity", sales.OPPORTUNITY_TOPICS),
        **_group(
            WireFormat.CLOUDEVENTS,
            "estimate",
            {
                cloudevents.workexec_type(
                    "estimate", "status_changed"
                ): "workexec.estimate.status_changed"
            },
        ),
    }
)


def _by_topic(routes: Mapping[str, Route]) -> dict[str, Mapping[str, Route]]:
    by_topic: dict[str, dict[str, Route]] = {}
    for event_type, route in routes.items():
        by_topic.setdefault(route.topic, {})[event_type] = route
    for topic, of_topic in by_topic.items():
        if len({(route.wire, route.aggregate_type) for route in of_topic.values()}) != 1:
            raise ValueError(f"topic {topic!r} mixes wire formats or aggregate types")
    return {topic: MappingProxyType(of_topic) for topic, of_topic in by_topic.items()}


_BY_TOPIC = _by_topic(ROUTES)


def published_topics() -> list[str]:
    """Every topic the gateway publishes to, in registration order."""
    return list(_BY_TOPIC)


def route_for(event_type: str) -> Route:
    try:
        return ROUTES[event_type]
    except KeyError:
        raise UnknownEventType(event_type) from None


def routes_for_topic(topic: str) -> Mapping[str, Route]:
    """The routes (by event type) whose events are published on `topic`; empty if none."""
    return _BY_TOPIC.get(topic, MappingProxyType({}))


def _contracts(*areas: tuple[Contract[Any], ...]) -> dict[type[DomainEvent], Contract[Any]]:
    found = {contract.event_class: contract for area in areas for contract in area}
    for contract in found.values():
        if contract.name not in ROUTES:
            raise ValueError(f"contract {contract.name!r} has no route")
        carried = ROUTES[contract.name].aggregate_type
        if contract.event_class.aggregate_type != carried:
            raise ValueError(
                f"{contract.event_class.__name__} is a {contract.event_class.aggregate_type!r} "
                f"event, but {contract.name!r} is registered for aggregate type {carried!r}"
            )
    return found


CONTRACTS: Mapping[type[DomainEvent], Contract[Any]] = MappingProxyType(
    _contracts(
        customers.CONTRACTS,
        estimates.CONTRACTS,
        service_orders.CONTRACTS,
        acknowledgements.CONTRACTS,
        sla.CONTRACTS,
        inventory.CONTRACTS,
        inventory_pricing.CONTRACTS,
        sales.CONTRACTS,
        receivables.CONTRACTS,
        credit_control.CONTRACTS,
        payments.CONTRACTS,
    )
)
INBOUND_CONTRACTS: Mapping[type[DomainEvent], Contract[Any]] = MappingProxyType(
    {
        contract.event_class: contract
        for contract in (
            *service_orders.INBOUND,
            *finance.INBOUND,
            *credit_control.INBOUND,
            *receivables.INBOUND,
            *payments.INBOUND,
        )
    }
)
"""Other systems' events the gateway reads (their routes: subscriptions/inbound/topics.py)."""
_BY_NAME = {
    contract.name: contract for contract in (*CONTRACTS.values(), *INBOUND_CONTRACTS.values())
}


def contract_for(event: DomainEvent) -> Contract[Any]:
    try:
        return CONTRACTS[type(event)]
    except KeyError:
        raise UnknownEventType(event.event_type) from None


def contract_named(name: str) -> Contract[Any] | None:
    """The contract whose seed event type is `name`, if a typed fact has one."""
    return _BY_NAME.get(name)


def recorded_name(contract_name: str) -> str:
    """The name events of the seed's type `contract_name` are recorded and handled under:
    their fact's class name. A name with no fact is kept as it is: nothing is recorded
    under it, so a filter on it matches no event (until an area records such facts)."""
    contract = contract_named(contract_name)
    return contract_name if contract is None else contract.event_class.__name__


def to_wire(event: DomainEvent, carried: Mapping[str, str | None] | None = None) -> WireEvent:
    """`event` as its seed's document describes it, with the `carried` fields that are
    not None added to its payload (what a format lifts out of it into attributes)."""
    contract = contract_for(event)
    payload = contract.document(event)
    if carried:
        payload = {
            **payload,
            **{name: value for name, value in carried.items() if value is not None},
        }
    return WireEvent(
        contract.name,
        event.aggregate_type,
        event.aggregate_id,
        event.tenant_id,
        payload,
        event.event_id,
        event.occurred_at,
    )


def from_wire(wire: WireEvent) -> DomainEvent:
    """The fact a seed's document describes (MalformedEvent if it breaks the contract)."""
    contract = contract_named(wire.event_type)
    if contract is None:
        raise MalformedEvent(f"the gateway reads no {wire.event_type!r} events yet")
    return contract.fact(wire)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A Kafka record of a published event: where it goes, its value and its headers."""

    topic: str
    value: bytes
    headers: list[tuple[str, bytes]]


def outgoing(published: PublishedEvent, environment: str = DEFAULT_ENVIRONMENT) -> Outgoing:
    """The record a gateway publisher sends for `published`, its seed document made once
    (the relay's cost per event is mostly this).

    Its trace context goes in the `traceparent` header, and in a CloudEvent also in the
    `traceparent` attribute (the codec lifts it out of the data, which stays the seed's).
    Its correlation id goes in the `correlation-id` header, and in a CloudEvent also in
    `data.correlationId`, where seed 001 puts it.
    """
    route = route_for(contract_for(published.event).name)
    carried = None
    if route.wire is WireFormat.CLOUDEVENTS:
        carried = {
            cloudevents.TRACEPARENT: published.traceparent,
            cloudevents.CORRELATION_ID: published.correlation_id,
        }
    wire = to_wire(published.event, carried)
    return Outgoing(
        route.topic, route.wire.encode(wire, environment), _headers(wire, route, published)
    )


def encode(event: DomainEvent, environment: str = DEFAULT_ENVIRONMENT) -> bytes:
    """The record value for `event` (its contract's route checked its aggregate type)."""
    wire = to_wire(event)
    return route_for(wire.event_type).wire.encode(wire, environment)


def decode(topic: str, headers: Headers, value: bytes) -> DomainEvent:
    """The event in a record of `topic`; MalformedEvent if it is not one the topic carries."""
    routes = routes_for_topic(topic)
    if not routes:
        raise MalformedEvent(f"no event type is registered for topic {topic!r}")
    route = next(iter(routes.values()))
    aggregate_type = header(headers, AGGREGATE_TYPE) or route.aggregate_type
    wire = route.wire.decode(value, aggregate_type, headers)
    if wire.event_type not in routes:
        raise MalformedEvent(f"event type {wire.event_type!r} is not published on {topic!r}")
    check_headers(headers, wire)
    return from_wire(wire)


def check_headers(headers: Headers, event: WireEvent) -> None:
    """MalformedEvent if an id, type or tenant header disagrees with the record's value."""
    for name, expected in (
        (EVENT_ID, event.event_id),
        (EVENT_TYPE, event.event_type),
        (TENANT_ID, event.tenant_id),
    ):
        found = header(headers, name)
        if found is not None and found != expected:
            raise MalformedEvent(
                f"the {name!r} header {found!r} disagrees with the value's {expected!r}"
            )


def _headers(wire: WireEvent, route: Route, published: PublishedEvent) -> list[tuple[str, bytes]]:
    """The headers every gateway publisher sets on the record of `published`."""
    return [
        (EVENT_ID, wire.event_id.encode()),
        (EVENT_TYPE, wire.event_type.encode()),
        (TENANT_ID, wire.tenant_id.encode()),
        (AGGREGATE_TYPE, wire.aggregate_type.encode()),
        (GATEWAY_SEQUENCE, str(published.sequence).encode("ascii")),
        (CONTENT_TYPE, route.wire.content_type.encode()),
        *([(TRACEPARENT, published.traceparent.encode())] if published.traceparent else []),
        *(
            [(CORRELATION_ID, published.correlation_id.encode())]
            if published.correlation_id
            else []
        ),
    ]


def published_from(topic: str, headers: Headers, value: bytes) -> PublishedEvent:
    """The event of a gateway-published record with its `gateway-sequence`."""
    sequence = header(headers, GATEWAY_SEQUENCE)
    if sequence is None:
        raise MalformedEvent(f"the {GATEWAY_SEQUENCE!r} header is missing")
    if not (sequence.isascii() and sequence.isdigit()):
        raise MalformedEvent(f"the {GATEWAY_SEQUENCE!r} header {sequence!r} is not ASCII digits")
    return PublishedEvent(
        sequence=int(sequence),
        event=decode(topic, headers, value),
        traceparent=header(headers, TRACEPARENT),
        correlation_id=header(headers, CORRELATION_ID),
    )
