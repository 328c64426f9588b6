"""The registry: routes per event type, topics, Kafka headers, and decoding by topic."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from domain.events import DomainEvent, PublishedEvent
from domain.inventory.events import StockShortageDetected
from domain.service_orders.events import ServiceOrderBilled, ServiceOrderStatusChanged
from domain.service_orders.status import ServiceOrderStatus
from subscriptions.topics import TOPICS
from subscriptions.wire import envelope
from subscriptions.wire.contract import Contract
from subscriptions.wire.errors import MalformedEvent, UnknownEventType
from subscriptions.wire.registry import (
    ROUTES,
    Route,
    WireFormat,
    _contracts,
    decode,
    encode,
    outgoing,
    published_from,
    published_topics,
    route_for,
    routes_for_topic,
    to_wire,
)
from tests.unit.test_wire_estimates import seed_quote

BILLED = ServiceOrderBilled(
    aggregate_id="SO-100",
    tenant_id="tenant-001",
    customer_id="CUST-100",
    amount=Decimal("450.00"),
    currency="USD",
    event_id="evt-4304",
    occurred_at=datetime(2026, 2, 3, 12, 10, tzinfo=UTC),
)

STATUS_CHANGED = ServiceOrderStatusChanged(
    aggregate_id="WO-001",
    tenant_id="tenant-001",
    previous_status=ServiceOrderStatus.IN_PROGRESS,
    new_status=ServiceOrderStatus.COMPLETED,
    location_id="LOC-001",
    customer_id="CUST-001",
    technician_id="TECH-001",
    event_id="evt-status-1",
    occurred_at=datetime(2026, 1, 25, 14, 30, tzinfo=UTC),
)

QUOTE_APPROVED = seed_quote()


def record(event: DomainEvent, sequence: int = 42) -> tuple[str, list[tuple[str, bytes]], bytes]:
    """The topic, headers and value a gateway publisher sends for `event`."""
    published = PublishedEvent(sequence=sequence, event=event)
    record = outgoing(published)
    return record.topic, record.headers, record.value


@pytest.mark.parametrize(
    ("event_type", "route"),
    [
        ("CustomerCreatedEvent", Route("crm.customers.created", WireFormat.ENVELOPE, "customer")),
        ("VehicleUpdatedEvent", Route("crm.vehicles.updated", WireFormat.ENVELOPE, "vehicle")),
        (
            "SlaBreachedEvent",
            Route("crm.serviceorders.sla.breached", WireFormat.ENVELOPE, "service_order"),
        ),
        (
            "PaymentReceivedEvent",
            Route("finance.ar.payment.received", WireFormat.ENVELOPE, "payment"),
        ),
        (
            "com.durion.workexec.workorder.ready_for_billing",
            Route("workexec.workorder.ready_for_billing", WireFormat.CLOUDEVENTS, "workorder"),
        ),
        (
            "trakservice.quote.approved.v1",
            Route("trakservice.quote.approved.v1", WireFormat.QUOTE, "quote"),
        ),
    ],
)
def test_an_event_type_routes_to_its_topic_format_and_aggregate(
    event_type: str, route: Route
) -> None:
    assert route_for(event_type) == route


def test_an_unregistered_event_type_has_no_route_and_says_where_to_add_one() -> None:
    with pytest.raises(UnknownEventType, match=r"'EstimateApprovedEvent'.*registry\.py"):
        route_for("EstimateApprovedEvent")


def test_every_published_topic_is_created_at_start_up_with_the_seeds_partition_counts() -> None:
    assert set(published_topics()) <= set(TOPICS)
    assert TOPICS["crm.serviceorders.sla.breached"] == 3
    assert TOPICS["finance.ar.payment.received"] == 12
    assert TOPICS["workexec.workorder.snapshot_finalized"] == 6
    assert TOPICS["trakservice.quote.approved.v1"] == 6


def test_the_gateway_publishes_every_seed_topic_of_its_contracts() -> None:
    assert len(published_topics()) == 47
    assert len(ROUTES) == 50  # the four reservation facts share inventory.stock.reservations


def test_routes_for_a_topic_are_its_event_types() -> None:
    assert dict(routes_for_topic("finance.ar.invoice.posted")) == {
        "InvoicePostedEvent": Route("finance.ar.invoice.posted", WireFormat.ENVELOPE, "invoice")
    }
    assert dict(routes_for_topic("no.such.topic")) == {}


def test_every_record_carries_the_gateway_headers() -> None:
    _, headers, _ = record(STATUS_CHANGED, sequence=1007)
    assert headers == [
        ("event-id", b"evt-status-1"),
        ("event-type", b"com.durion.workexec.workorder.status_changed"),
        ("tenant-id", b"tenant-001"),
        ("aggregate-type", b"workorder"),
        ("gateway-sequence", b"1007"),
        ("content-type", b"application/cloudevents+json; charset=UTF-8"),
    ]


def test_envelope_and_quote_records_are_plain_json() -> None:
    assert ("content-type", b"application/json") in record(BILLED)[1]
    assert ("content-type", b"application/json") in record(QUOTE_APPROVED)[1]


@pytest.mark.parametrize("event", [BILLED, STATUS_CHANGED, QUOTE_APPROVED])
def test_a_published_record_reads_back_as_the_published_event(event: DomainEvent) -> None:
    topic, headers, value = record(event, sequence=42)
    assert published_from(topic, headers, value) == PublishedEvent(sequence=42, event=event)


def test_the_aggregate_type_comes_from_the_registry_when_the_record_has_no_header() -> None:
    assert decode("crm.serviceorders.billed", [], envelope.encode(to_wire(BILLED))) == BILLED


def test_the_cloudevents_environment_is_chosen_by_the_publisher() -> None:
    assert b'"durion:environment": "production"' in encode(STATUS_CHANGED, "production")
    assert b'"durion:environment": "production"' in WireFormat.CLOUDEVENTS.encode(
        to_wire(STATUS_CHANGED), "production"
    )


def test_a_contract_for_another_aggregate_type_than_its_route_is_refused() -> None:
    misrouted = Contract(
        ServiceOrderBilled, "CustomerUpdatedEvent", lambda event: {}, lambda wire: BILLED
    )
    with pytest.raises(ValueError, match="registered for aggregate type 'customer'"):
        _contracts((misrouted,))


def test_an_event_type_on_the_wrong_topic_is_malformed() -> None:
    _, headers, value = record(BILLED)
    with pytest.raises(MalformedEvent, match="'ServiceOrderBilledEvent' is not published on"):
        decode("crm.serviceorders.created", headers, value)


def test_a_record_on_an_unregistered_topic_is_malformed() -> None:
    with pytest.raises(MalformedEvent, match=r"no event type is registered for topic 'x\.y'"):
        decode("x.y", [], envelope.encode(to_wire(BILLED)))


def test_a_tenant_header_that_disagrees_with_the_value_is_malformed() -> None:
    topic, headers, value = record(BILLED)
    forged = [(k, b"tenant-002" if k == "tenant-id" else v) for k, v in headers]
    with pytest.raises(MalformedEvent, match="'tenant-id' header 'tenant-002' disagrees"):
        decode(topic, forged, value)


def test_a_record_without_a_gateway_sequence_is_malformed() -> None:
    topic, headers, value = record(BILLED)
    without = [(k, v) for k, v in headers if k != "gateway-sequence"]
    with pytest.raises(MalformedEvent, match="'gateway-sequence' header is missing"):
        published_from(topic, without, value)


@pytest.mark.parametrize("sequence", [b"-1", b"4 2", b"\xd9\xa4", b"x"])
def test_a_gateway_sequence_that_is_not_ascii_digits_is_malformed(sequence: bytes) -> None:
    topic, headers, value = record(BILLED)
    bad = [(k, sequence if k == "gateway-sequence" else v) for k, v in headers]
    with pytest.raises(MalformedEvent, match="gateway-sequence"):
        published_from(topic, bad, value)


def test_a_record_value_that_is_not_json_is_malformed() -> None:
    topic, headers, _ = record(BILLED)
    with pytest.raises(MalformedEvent, match="not JSON"):
        published_from(topic, headers, b"\x00\x01")


def test_a_stock_shortage_is_seed_001s_inventory_cloudevent_and_reads_back() -> None:
    shortage = StockShortageDetected(
        aggregate_id="PART-1@LOC-A",
        tenant_id="t-1",
        occurred_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
        product_id="PART-1",
        sku="OIL-5W30",
        location_id="LOC-A",
        on_hand=Decimal("1.5"),
        reserved=Decimal("0.5"),
        reorder_point=Decimal(2),
    )
    document = json.loads(encode(shortage))
    assert route_for(document["type"]).topic == "inventory.stock.shortage_alert"
    assert (document["type"], document["source"], document["durion:domain"]) == (
        "com.durion.inventory.stock_shortage_alert",
        "https://durion.platform/inventory",
        "inventory",
    )
    assert document["data"] == {
        "productId": "PART-1",
        "sku": "OIL-5W30",
        "locationId": "LOC-A",
        "onHand": 1.5,
        "reserved": 0.5,
        "availableQuantity": 1.0,
        "reorderPoint": 2,
        "detectedAt": "2026-03-02T09:30:00Z",
    }
    headers = [("tenant-id", b"t-1")]
    assert decode("inventory.stock.shortage_alert", headers, encode(shortage)) == shortage


def test_a_shortage_of_work_names_what_it_lacked_and_for_what() -> None:
    shortage = StockShortageDetected(
        aggregate_id="PART-1@LOC-A",
        tenant_id="t-1",
        occurred_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
        product_id="PART-1",
        sku="OIL-5W30",
        location_id="LOC-A",
        on_hand=Decimal(0),
        reserved=Decimal(0),
        reorder_point=Decimal(0),
        shortfall=Decimal(2),
        reference="SO-7",
    )
    document = json.loads(encode(shortage))
    assert document["data"]["availableQuantity"] == 0
    assert (document["data"]["shortQuantity"], document["data"]["reference"]) == (2, "SO-7")
    headers = [("tenant-id", b"t-1")]
    assert decode("inventory.stock.shortage_alert", headers, encode(shortage)) == shortage
