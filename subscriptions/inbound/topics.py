"""The topics other domains publish to the gateway, and how their records are read.

The seeds (000 and 002, "Domain Events Consumed") name the events but not the topics;
the names below are the gateway's choice, `<domain>.<subject>.<past tense>` like the
topics it publishes. Every one carries the `{eventType, eventId, timestamp, aggregateId,
tenantId, payload}` envelope the CRM and AR topics use, one event type per topic, but
ShopMgmt's appointment updates, CloudEvents like the WorkExec events they answer.
The quote-approved topic is the exception: the gateway publishes it (quote format) and
consumes it too, to book the approved quote's costs as seed 003's finance service does.
A record that cannot be trusted goes to the topic's dead-letter topic, `<topic>.dlq`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from domain.events import DomainEvent
from subscriptions.inbound.dead_letter import NoHandler
from subscriptions.wire.contracts import acknowledgements
from subscriptions.wire.headers import Headers
from subscriptions.wire.quote import QUOTE_APPROVED
from subscriptions.wire.registry import (
    MalformedEvent,
    Route,
    WireFormat,
    check_headers,
    contract_named,
    from_wire,
    route_for,
)


def _envelope(aggregate_type: str, event_type: str, topic: str) -> tuple[str, Route]:
    return event_type, Route(topic, WireFormat.ENVELOPE, aggregate_type)


INBOUND: Mapping[str, Route] = MappingProxyType(
    dict(
        [
            # seed 000
            _envelope(
                "technician_assignment", "TechnicianAssignedEvent", "dispatch.technician.assigned"
            ),
            _envelope("parts_usage", "PartsConsumedEvent", "inventory.parts.consumed"),
            _envelope(
                "contract_entitlement",
                "ContractEntitlementValidatedEvent",
                "contracts.entitlement.validated",
            ),
            _envelope("financial_period", "FinancialPeriodClosedEvent", "finance.period.closed"),
            # seed 002
            _envelope("sales_order", "SalesOrderFulfilledEvent", "sales.order.fulfilled"),
            _envelope("contract", "ContractRenewalEvent", "contracts.renewal"),
            _envelope(
                "bank_statement", "BankStatementImportedEvent", "treasury.bank.statement.imported"
            ),
            _envelope("rebate_claim", "RebateIssuedEvent", "sales.rebate.issued"),
            # seed 001: ShopMgmt's answer to status_changed (fail-open: recorded, shown)
            (
                "com.durion.shopmgmt.appointment.updated",
                Route("shopmgmt.appointment.updated", WireFormat.CLOUDEVENTS, "appointment"),
            ),
            # seed 001: Inventory's shortage alerts (fail-open: kept and listed); the
            # gateway publishes them for its own ledger on the same topic
            (
                "com.durion.inventory.stock_shortage_alert",
                Route("inventory.stock.shortage_alert", WireFormat.CLOUDEVENTS, "stock_item"),
            ),
            # seed 001's fail-closed acknowledgements: People's, Order's and Accounting's
            # word that an order may go on (the gateway's own too, where it plays the side)
            *((event_type, route_for(event_type)) for event_type in acknowledgements.ACKNOWLEDGING),
            # the gateway's own quote approvals, booked by finance (seed 003's effects)
            (QUOTE_APPROVED, Route(QUOTE_APPROVED, WireFormat.QUOTE, "quote")),
        ]
    )
)

DLQ_SUFFIX = ".dlq"


def dead_letter_topic(topic: str) -> str:
    return f"{topic}{DLQ_SUFFIX}"


def inbound_topics(routes: Mapping[str, Route] = INBOUND) -> list[str]:
    """Every topic carrying one of `routes`, in registration order."""
    return list(dict.fromkeys(route.topic for route in routes.values()))


def decode_inbound(
    topic: str, headers: Headers, value: bytes | None, routes: Mapping[str, Route] = INBOUND
) -> DomainEvent:
    """The event in a record of `topic`; MalformedEvent for anything else on it, and
    NoHandler for a well-formed event of a type the gateway parses no fact of (it
    applies none yet)."""
    carried = {event_type: r for event_type, r in routes.items() if r.topic == topic}
    if not carried:
        raise MalformedEvent(f"no inbound event type is registered for topic {topic!r}")
    if value is None:
        raise MalformedEvent("the record has no value")
    route = next(iter(carried.values()))
    wire = route.wire.decode(value, route.aggregate_type, headers)
    if wire.event_type not in carried:
        raise MalformedEvent(f"event type {wire.event_type!r} is not carried on {topic!r}")
    check_headers(headers, wire)
    if contract_named(wire.event_type) is None:
        raise NoHandler(wire.event_type)
    return from_wire(wire)
