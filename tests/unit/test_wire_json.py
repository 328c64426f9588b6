"""The wire's JSON codec: exact decimal amounts, no floats, instants in UTC with a Z."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

import pytest

from domain.instants import utc_text
from subscriptions.wire import json
from subscriptions.wire.errors import MalformedEvent
from subscriptions.wire.fields import parse_instant


def test_a_decimal_amount_goes_out_with_its_exact_digits() -> None:
    text = json.dumps({"amount": Decimal("450.00"), "tax": Decimal("0.00")}).decode()
    assert text == '{"amount": 450.00, "tax": 0.00}'


def test_decimal_sums_stay_exact_where_floats_would_not() -> None:
    text = json.dumps({"total": Decimal("0.1") + Decimal("0.2")}).decode()
    assert text == '{"total": 0.3}'


def test_amounts_come_back_as_decimals_with_their_scale_and_integers_as_ints() -> None:
    document = json.loads(b'{"amount": 1200.00, "quantity": 2, "rate": 1e3}')
    assert document == {"amount": Decimal("1200.00"), "quantity": 2, "rate": Decimal("1E+3")}
    assert str(document["amount"]) == "1200.00"
    assert type(document["quantity"]) is int


def test_a_float_in_a_payload_is_refused_with_its_path() -> None:
    with pytest.raises(TypeError, match=r"\$\.lines\[0\]\.price is the float 0\.1"):
        json.dumps({"lines": [{"price": 0.1}]})


def test_a_decimal_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(ValueError, match=r"\$\.amount is NaN"):
        json.dumps({"amount": Decimal("NaN")})


def test_a_datetime_object_in_a_payload_is_refused_because_payloads_carry_iso_strings() -> None:
    with pytest.raises(TypeError, match=r"\$\.at is a datetime"):
        json.dumps({"at": datetime(2026, 2, 2, tzinfo=UTC)})


def test_a_non_string_key_is_refused_rather_than_turned_into_text() -> None:
    with pytest.raises(TypeError, match=r"\$\.lines has the non-string key 1"):
        json.dumps({"lines": {1: "first"}})


def test_enums_tuples_and_other_mappings_go_out_as_their_json_values() -> None:
    """What is not JSON as it is, but means a JSON value, is sent as that value."""

    class Status(StrEnum):
        OPEN = "OPEN"

    plain = {"status": "OPEN", "lines": [{"n": 1}, {"n": 2}], "amount": Decimal("1.50")}
    written = {
        "status": Status.OPEN,
        "lines": ({"n": 1}, MappingProxyType({"n": 2})),
        "amount": Decimal("1.50"),
    }
    assert json.dumps(written) == json.dumps(plain)
    assert json.dumps(plain) == b'{"status": "OPEN", "lines": [{"n": 1}, {"n": 2}], "amount": 1.50}'


def test_non_ascii_text_is_sent_as_utf8() -> None:
    assert json.dumps({"nome": "Orçamento"}) == '{"nome": "Orçamento"}'.encode()


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b"not json", "not JSON"),
        (b'{"a": 1} trailing', "not JSON"),
        (b"\xff\xfe", "not JSON"),
        (b'{"amount": NaN}', "not JSON"),
        (b"[1, 2]", "JSON list, not an object"),
    ],
)
def test_a_value_that_is_not_a_json_object_is_malformed(value: bytes, reason: str) -> None:
    with pytest.raises(MalformedEvent, match=reason):
        json.loads(value)


def test_an_instant_without_a_fraction_is_written_to_the_second_like_the_seeds() -> None:
    assert utc_text(datetime(2026, 2, 2, 12, 0, tzinfo=UTC)) == "2026-02-02T12:00:00Z"


def test_an_instant_with_a_fraction_is_written_to_the_millisecond() -> None:
    instant = datetime(2026, 2, 2, 12, 0, 0, 123456, tzinfo=UTC)
    assert utc_text(instant) == "2026-02-02T12:00:00.123Z"


def test_an_instant_in_another_zone_is_written_in_utc() -> None:
    instant = datetime(2026, 1, 8, 10, 30, tzinfo=timezone(timedelta(hours=-3)))
    assert utc_text(instant) == "2026-01-08T13:30:00Z"


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        utc_text(datetime(2026, 2, 2, 12, 0))


def test_an_instant_reads_back_as_an_aware_utc_datetime() -> None:
    parsed = parse_instant({"time": "2026-01-08T10:30:00-03:00"}, "time")
    assert parsed == datetime(2026, 1, 8, 13, 30, tzinfo=UTC)
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        ({}, "required field 'time' is missing"),
        ({"time": 1706000000}, "'time' must be a non-empty string"),
        ({"time": "yesterday"}, "'time' is not an ISO 8601 instant"),
        ({"time": "2026-02-02T12:00:00"}, "'time' has no time zone"),
    ],
)
def test_an_instant_that_is_missing_or_unreadable_is_malformed(
    document: dict[str, object], reason: str
) -> None:
    with pytest.raises(MalformedEvent, match=reason):
        parse_instant(document, "time")
