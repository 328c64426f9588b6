"""The inbound consumer's pure parts: topics, decoding, backoff and dead-letter headers."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from domain.finance.periods import InvalidFinancialPeriod, PeriodClosed
from subscriptions.inbound.dead_letter import NoHandler, Origin, Reason, dead_letter_headers
from subscriptions.inbound.handlers import handled_routes
from subscriptions.inbound.retry import Backoff
from subscriptions.inbound.topics import INBOUND, dead_letter_topic, decode_inbound, inbound_topics
from subscriptions.topics import TOPICS
from subscriptions.wire.errors import MalformedEvent

ENVELOPE = {
    "eventType": "FinancialPeriodClosedEvent",
    "eventId": "evt-1",
    "timestamp": "2026-02-03T17:00:00Z",
    "aggregateId": "2026-01",
    "tenantId": "tenant-001",
    "payload": {
        "periodId": "2026-01",
        "periodStart": "2026-01-01",
        "periodEnd": "2026-01-31",
        "closedAt": "2026-02-03T17:00:00Z",
        "closedBy": "controller@example.com",
    },
}


def test_every_event_the_seeds_say_is_consumed_has_a_topic_and_a_dead_letter_topic() -> None:
    assert set(INBOUND) == {
        "TechnicianAssignedEvent",
        "PartsConsumedEvent",
        "ContractEntitlementValidatedEvent",
        "FinancialPeriodClosedEvent",
        "SalesOrderFulfilledEvent",
        "ContractRenewalEvent",
        "BankStatementImportedEvent",
        "RebateIssuedEvent",
        "trakservice.quote.approved.v1",  # the gateway's own, booked by finance
        "com.durion.shopmgmt.appointment.updated",  # seed 001, fail-open
        "com.durion.inventory.stock_shortage_alert",  # seed 001, fail-open
        "com.durion.people.work_session.completed",  # seed 001, fail-closed
        "com.durion.order.sales_order.created",  # seed 001, fail-closed
        "com.durion.accounting.revenue.recorded",  # seed 001, fail-closed
    }
    for topic in inbound_topics():
        assert topic in TOPICS and dead_letter_topic(topic) in TOPICS


def test_an_envelope_on_its_topic_decodes_to_the_fact() -> None:
    event = decode_inbound("finance.period.closed", [], json.dumps(ENVELOPE).encode())
    assert isinstance(event, PeriodClosed)
    assert (event.event_type, event.event_id, event.tenant_id) == (
        "PeriodClosed",
        "evt-1",
        "tenant-001",
    )
    assert (event.aggregate_type, event.period_id) == ("financial_period", "2026-01")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b"\xff not json", "not JSON"),
        (json.dumps({**ENVELOPE, "eventType": "RebateIssuedEvent"}).encode(), "not carried"),
        (json.dumps({k: v for k, v in ENVELOPE.items() if k != "tenantId"}).encode(), "missing"),
        (None, "no value"),
        (
            json.dumps({**ENVELOPE, "payload": {"periodId": "2026-01"}}).encode(),
            "periodStart: Field required",
        ),
    ],
)
def test_a_record_that_is_not_an_event_of_its_topic_is_malformed(
    value: bytes | None, reason: str
) -> None:
    with pytest.raises(MalformedEvent, match=reason):
        decode_inbound("finance.period.closed", [], value)


def test_a_header_that_contradicts_the_value_makes_the_record_malformed() -> None:
    with pytest.raises(MalformedEvent, match="tenant-id"):
        decode_inbound(
            "finance.period.closed", [("tenant-id", b"other")], json.dumps(ENVELOPE).encode()
        )


def test_the_default_backoff_is_the_seeds_three_retries_after_one_two_and_four_seconds() -> None:
    assert Backoff().delays() == [1.0, 2.0, 4.0]
    assert Backoff().attempts == 4
    assert Backoff(3, 0.05).delays() == [0.05, 0.1, 0.2]


def test_a_handler_for_an_event_no_inbound_topic_carries_is_refused() -> None:
    async def handler(uow: object, event: object) -> None:
        return None

    with pytest.raises(ValueError, match="CustomerCreatedEvent"):
        handled_routes({"CustomerCreatedEvent": handler}, INBOUND)


def test_handlers_are_found_by_the_fact_each_inbound_event_is_parsed_into() -> None:
    async def handler(uow: object, event: object) -> None:
        return None

    assert handled_routes({"PeriodClosed": handler}, INBOUND) == {
        "FinancialPeriodClosedEvent": INBOUND["FinancialPeriodClosedEvent"]
    }


def test_dead_letter_headers_keep_the_original_ones_and_say_where_and_why() -> None:
    origin = Origin(
        "finance.period.closed", 2, 41, [("event-id", b"evt-1"), ("dlq-reason", b"old")]
    )
    error = InvalidFinancialPeriod("ends before it starts", field="periodEnd")
    headers = dead_letter_headers(
        origin,
        Reason.HANDLER_FAILED,
        error,
        attempts=4,
        consumer="gw-inbound",
        failed_at=datetime(2026, 2, 3, 17, tzinfo=UTC),
    )
    assert headers[0] == ("event-id", b"evt-1")
    assert {k: v.decode() for k, v in headers[1:]} == {
        "dlq-reason": "handler-failed",
        "dlq-error-code": "INVALID_FINANCIAL_PERIOD",
        "dlq-error": "InvalidFinancialPeriod: ends before it starts",
        "dlq-attempts": "4",
        "dlq-original-topic": "finance.period.closed",
        "dlq-original-partition": "2",
        "dlq-original-offset": "41",
        "dlq-failed-at": "2026-02-03T17:00:00Z",
        "dlq-consumer": "gw-inbound",
    }


def test_each_failure_has_a_stable_dead_letter_code() -> None:
    when = datetime(2026, 2, 3, tzinfo=UTC)
    origin = Origin("t", 0, 0, [])
    codes = [
        dict(dead_letter_headers(origin, reason, error, attempts=0, consumer="c", failed_at=when))[
            "dlq-error-code"
        ]
        for reason, error in (
            (Reason.MALFORMED, MalformedEvent("bad")),
            (Reason.NO_HANDLER, NoHandler("X")),
            (Reason.HANDLER_FAILED, RuntimeError("boom")),
        )
    ]
    assert codes == [b"MALFORMED_EVENT", b"NO_HANDLER", b"UNEXPECTED_ERROR"]
