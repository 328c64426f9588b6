"""Sales orders on the wire: the CRM envelope on the `sales.order.*` topics, the
documented payloads (the fulfilled one is what accounts receivable invoices), and back
to the same facts."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.events import DomainEvent, PublishedEvent
from domain.sales.backorders import BackorderCreated, BackorderFulfilled, BackorderPriority
from domain.sales.events import (
    LineReservedAgain,
    LineStillShort,
    OrderedLine,
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
    OpportunityStage,
    OpportunityStageChanged,
)
from domain.sales.status import OrderStatus
from subscriptions.inbound.topics import INBOUND
from subscriptions.wire.errors import MalformedEvent
from subscriptions.wire.registry import decode, outgoing, route_for

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
ABOUT = {"aggregate_id": "SO-001", "tenant_id": "tenant-a", "occurred_at": AT}
LINES = (
    OrderedLine(
        1, "PART-OIL", "OIL", "LOC-A", Decimal(3), Decimal("8.99"), Decimal("26.97"), "SO-001-L1"
    ),
    OrderedLine(
        2,
        "PART-PAD",
        "PAD",
        "LOC-A",
        Decimal("0.5"),
        Decimal("80.00"),
        Decimal("40.00"),
        "SO-001-L2",
    ),
)
ALLOCATED = SalesOrderInventoryAllocated(
    **ABOUT,
    event_id="evt-1",
    customer_id="CUST-001",
    lines=LINES,
    total_amount=Decimal("66.97"),
    currency="USD",
    reserved_until=datetime(2026, 3, 9, 9, 30, tzinfo=UTC),
    ordered_by="clerk",
)
FULFILLED = SalesOrderFulfilled(
    **ABOUT,
    event_id="evt-3",
    customer_id="CUST-001",
    fulfillment_id="SO-001-F1",
    lines=LINES,
    total_amount=Decimal("66.97"),
    currency="USD",
    fulfilled_by="picker",
)
EVENTS: list[DomainEvent] = [
    ALLOCATED,
    SalesOrderFulfillmentStarted(
        **ABOUT,
        event_id="evt-2",
        customer_id="CUST-001",
        fulfillment_id="SO-001-F1",
        started_by="picker",
    ),
    FULFILLED,
    SalesOrderShipped(
        **ABOUT,
        event_id="evt-4",
        customer_id="CUST-001",
        fulfillment_id="SO-001-F1",
        carrier="UPS",
        tracking_number="1Z999",
        shipped_by="clerk",
    ),
    SalesOrderDelivered(
        **ABOUT,
        event_id="evt-5",
        customer_id="CUST-001",
        fulfillment_id="SO-001-F1",
        delivered_by="driver",
    ),
    SalesOrderCancelled(
        **ABOUT,
        event_id="evt-6",
        customer_id="CUST-001",
        previous_status=OrderStatus.INVENTORY_ALLOCATED,
        reason="Duplicate",
        reservation_ids=("SO-001-L1", "SO-001-L2"),
        cancelled_by="clerk",
    ),
]


def test_a_fulfilled_order_is_seed_002s_event_on_the_topic_accounts_receivable_reads() -> None:
    record = outgoing(PublishedEvent(sequence=7, event=FULFILLED))
    assert record.topic == "sales.order.fulfilled"
    assert INBOUND["SalesOrderFulfilledEvent"] == route_for("SalesOrderFulfilledEvent")
    assert json.loads(record.value) == {
        "eventType": "SalesOrderFulfilledEvent",
        "eventId": "evt-3",
        "timestamp": "2026-03-02T09:30:00Z",
        "aggregateId": "SO-001",
        "tenantId": "tenant-a",
        "payload": {
            "orderId": "SO-001",
            "customerId": "CUST-001",
            "fulfillmentId": "SO-001-F1",
            "lines": [
                {
                    "lineNumber": 1,
                    "productId": "PART-OIL",
                    "sku": "OIL",
                    "locationId": "LOC-A",
                    "quantity": 3,
                    "unitPrice": 8.99,
                    "lineTotal": 26.97,
                    "reservationId": "SO-001-L1",
                },
                {
                    "lineNumber": 2,
                    "productId": "PART-PAD",
                    "sku": "PAD",
                    "locationId": "LOC-A",
                    "quantity": 0.5,
                    "unitPrice": 80.00,
                    "lineTotal": 40.00,
                    "reservationId": "SO-001-L2",
                },
            ],
            "totalAmount": 66.97,
            "currency": "USD",
            "fulfilledAt": "2026-03-02T09:30:00Z",
            "fulfilledBy": "picker",
        },
    }


def test_each_move_has_its_topic_and_documented_payload() -> None:
    documents = {}
    for event in EVENTS:
        record = outgoing(PublishedEvent(sequence=1, event=event))
        document = json.loads(record.value)
        documents[record.topic] = (document["eventType"], document["payload"])
    assert documents["sales.order.inventory_allocated"][0] == "OrderInventoryAllocatedEvent"
    assert (
        documents["sales.order.inventory_allocated"][1]["reservedUntil"] == "2026-03-09T09:30:00Z"
    )
    assert documents["sales.order.fulfillment_started"] == (
        "OrderFulfillmentStartedEvent",
        {
            "orderId": "SO-001",
            "customerId": "CUST-001",
            "fulfillmentId": "SO-001-F1",
            "startedBy": "picker",
        },
    )
    assert documents["sales.order.shipped"] == (
        "SalesOrderShippedEvent",
        {
            "orderId": "SO-001",
            "customerId": "CUST-001",
            "fulfillmentId": "SO-001-F1",
            "carrier": "UPS",
            "trackingNumber": "1Z999",
            "shippedAt": "2026-03-02T09:30:00Z",
            "shippedBy": "clerk",
        },
    )
    assert documents["sales.order.delivered"][1]["deliveredAt"] == "2026-03-02T09:30:00Z"
    assert documents["sales.order.cancelled"] == (
        "SalesOrderCancelledEvent",
        {
            "orderId": "SO-001",
            "customerId": "CUST-001",
            "previousStatus": "INVENTORY_ALLOCATED",
            "reason": "Duplicate",
            "reservationIds": ["SO-001-L1", "SO-001-L2"],
            "cancelledBy": "clerk",
        },
    )


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: type(e).__name__)
def test_each_record_reads_back_as_the_fact_it_was_made_of(event: DomainEvent) -> None:
    record = outgoing(PublishedEvent(sequence=9, event=event))
    assert decode(record.topic, record.headers, record.value) == event


def test_a_broken_line_is_refused_naming_its_payload_field() -> None:
    record = outgoing(PublishedEvent(sequence=9, event=FULFILLED))
    document = json.loads(record.value)
    document["payload"]["lines"][1]["unitPrice"] = "a lot"
    with pytest.raises(MalformedEvent, match=r"lines\.1\.unitPrice"):
        decode(record.topic, record.headers, json.dumps(document).encode())


BACKORDERED = {
    "aggregate_id": "BO-001",
    "tenant_id": "tenant-a",
    "occurred_at": AT,
    "customer_id": "CUST-001",
    "order_id": None,
    "product_id": "PART-OIL",
    "sku": "OIL",
    "location_id": "LOC-A",
    "quantity": Decimal(4),
    "priority": BackorderPriority.URGENT,
}
BACKORDER_EVENTS: list[DomainEvent] = [
    BackorderCreated(
        **BACKORDERED,
        event_id="evt-7",
        expected_fulfillment_date=date(2026, 3, 20),
        created_by="clerk",
    ),
    BackorderFulfilled(**BACKORDERED, event_id="evt-8", reservation_id="BO-001-R"),
]


def test_backorders_have_seed_004s_names_on_their_topics() -> None:
    created, fulfilled = (
        outgoing(PublishedEvent(sequence=1, event=event)) for event in BACKORDER_EVENTS
    )
    assert (created.topic, fulfilled.topic) == (
        "sales.backorder.created",
        "sales.backorder.fulfilled",
    )
    assert json.loads(fulfilled.value)["eventType"] == "BackorderFulfilledEvent"
    assert json.loads(created.value)["payload"] == {
        "backorderId": "BO-001",
        "customerId": "CUST-001",
        "orderId": None,
        "productId": "PART-OIL",
        "sku": "OIL",
        "locationId": "LOC-A",
        "quantity": 4,
        "priority": "URGENT",
        "expectedFulfillmentDate": "2026-03-20",
        "createdBy": "clerk",
    }
    assert json.loads(fulfilled.value)["payload"]["reservationId"] == "BO-001-R"
    assert json.loads(fulfilled.value)["payload"]["fulfilledAt"] == "2026-03-02T09:30:00Z"


@pytest.mark.parametrize("event", BACKORDER_EVENTS, ids=lambda e: type(e).__name__)
def test_each_backorder_record_reads_back_as_its_fact(event: DomainEvent) -> None:
    record = outgoing(PublishedEvent(sequence=9, event=event))
    assert decode(record.topic, record.headers, record.value) == event


SYNCED = SalesOrderSynced(
    **ABOUT,
    event_id="evt-9",
    customer_id="CUST-001",
    reserved_again=(LineReservedAgain(1, "OIL", "SO-001-L1", "SO-001-L1-V2"),),
    still_short=(LineStillShort(2, "PAD", "LOC-A", Decimal("0.5"), Decimal(0)),),
    synced_by="clerk",
)


def test_a_sync_says_what_it_reserved_again_and_what_is_still_short() -> None:
    record = outgoing(PublishedEvent(sequence=1, event=SYNCED))
    assert record.topic == "sales.order.synced"
    assert json.loads(record.value)["payload"] == {
        "orderId": "SO-001",
        "customerId": "CUST-001",
        "reservedAgain": [
            {
                "lineNumber": 1,
                "sku": "OIL",
                "previousReservationId": "SO-001-L1",
                "reservationId": "SO-001-L1-V2",
            }
        ],
        "stillShort": [
            {"lineNumber": 2, "sku": "PAD", "locationId": "LOC-A", "required": 0.5, "available": 0}
        ],
        "syncedBy": "clerk",
    }
    assert decode(record.topic, record.headers, record.value) == SYNCED


OPPORTUNITY = {"aggregate_id": "OPP-001", "tenant_id": "tenant-a", "occurred_at": AT}
ITEMS = (
    OpportunityItem(1, "PART-OIL", "OIL", "LOC-A", Decimal(4), Decimal("9.99"), "OPP-001-I1-V2"),
)
OPPORTUNITY_EVENTS: list[DomainEvent] = [
    OpportunityCreated(
        **OPPORTUNITY,
        event_id="evt-10",
        customer_id="CUST-001",
        sales_rep_id="rep-7",
        stage=OpportunityStage.PROPOSAL,
        probability=Decimal("0.6"),
        expected_close_date=date(2026, 3, 20),
        items=(OpportunityItem(1, "PART-OIL", "OIL", "LOC-A", Decimal(4), Decimal("9.99")),),
    ),
    OpportunityInventoryAllocated(
        **OPPORTUNITY,
        event_id="evt-11",
        customer_id="CUST-001",
        items=ITEMS,
        expected_close_date=date(2026, 3, 20),
        reserved_until=datetime(2026, 3, 21, tzinfo=UTC),
    ),
    OpportunityInventoryReleased(
        **OPPORTUNITY,
        event_id="evt-12",
        customer_id="CUST-001",
        reservation_ids=("OPP-001-I1-V2",),
        reason="CLOSED_LOST",
    ),
    OpportunityStageChanged(
        **OPPORTUNITY,
        event_id="evt-13",
        customer_id="CUST-001",
        stage=OpportunityStage.CLOSED_WON,
        previous_stage=OpportunityStage.PROPOSAL,
        probability=Decimal(1),
        order_id="SO-001",
    ),
]


def test_an_allocation_is_seed_004s_opportunity_event_with_its_items() -> None:
    record = outgoing(PublishedEvent(sequence=1, event=OPPORTUNITY_EVENTS[1]))
    assert record.topic == "sales.opportunity.inventory_allocated"
    document = json.loads(record.value)
    assert document["eventType"] == "OpportunityInventoryAllocatedEvent"
    assert document["payload"] == {
        "opportunityId": "OPP-001",
        "customerId": "CUST-001",
        "items": [
            {
                "lineNumber": 1,
                "productId": "PART-OIL",
                "sku": "OIL",
                "locationId": "LOC-A",
                "quantity": 4,
                "unitPrice": 9.99,
                "reservationId": "OPP-001-I1-V2",
            }
        ],
        "expectedCloseDate": "2026-03-20",
        "reservedUntil": "2026-03-21T00:00:00Z",
    }
    stage = json.loads(outgoing(PublishedEvent(sequence=2, event=OPPORTUNITY_EVENTS[3])).value)
    assert stage["payload"] == {
        "opportunityId": "OPP-001",
        "customerId": "CUST-001",
        "stage": "CLOSED_WON",
        "previousStage": "PROPOSAL",
        "probability": 1,
        "orderId": "SO-001",
    }


@pytest.mark.parametrize("event", OPPORTUNITY_EVENTS, ids=lambda e: type(e).__name__)
def test_each_opportunity_record_reads_back_as_its_fact(event: DomainEvent) -> None:
    record = outgoing(PublishedEvent(sequence=9, event=event))
    assert decode(record.topic, record.headers, record.value) == event
