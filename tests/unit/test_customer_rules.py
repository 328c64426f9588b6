"""Customer and vehicle rules a clerk meets at the counter, without I/O."""

from __future__ import annotations

import pytest

from domain.customers import Customer, Vehicle
from domain.errors import InvalidInput, InvalidInputs
from domain.paging import InvalidPageSize, PageRequest


def test_a_vin_is_upper_cased_and_accepted_when_it_has_17_allowed_characters() -> None:
    assert Vehicle(id="V", customer_id="C", vin=" 1hgbh41jxmn109186 ").vin == "1HGBH41JXMN109186"


@pytest.mark.parametrize(
    ("vin", "hint"),
    [
        ("1HGBH41JXMN10918", "exactly 17 characters"),
        ("1HGBH41JXMN1091866", "exactly 17 characters"),
        ("1HGBH41JXMN10918O", "'O'"),
        ("IHGBH41JXMN109186", "'I'"),
        ("1HGBH41JXMN1091Q6", "'Q'"),
        ("1HGBH41JXMN1091-6", "'-'"),
    ],
)
def test_a_vin_that_breaks_the_rules_is_refused_with_the_reason(vin: str, hint: str) -> None:
    with pytest.raises(InvalidInput, match=hint) as refused:
        Vehicle(id="V", customer_id="C", vin=vin)
    assert refused.value.field == "vin"


def test_an_invalid_email_names_the_field() -> None:
    with pytest.raises(InvalidInput) as refused:
        Customer(id="C", name="Ann", email="ann-at-example.com")
    assert (refused.value.field, refused.value.code) == ("email", "BAD_USER_INPUT")


def test_an_email_over_320_characters_is_refused() -> None:
    longest = "a" * 64 + "@" + "b" * 251 + ".com"
    assert Customer(id="C", name="Ann", email=longest).email == longest
    with pytest.raises(InvalidInput) as refused:
        Customer(id="C", name="Ann", email="a" * 64 + "@" + "b" * 252 + ".com")
    assert refused.value.field == "email"
    assert "at most 320 characters" in refused.value.message


def test_every_faulty_field_is_reported_at_once() -> None:
    with pytest.raises(InvalidInputs) as refused:
        Customer(id="C", name=" ", email="nope", phone="call me")
    assert [e.field for e in refused.value.each()] == ["name", "email", "phone"]


@pytest.mark.parametrize(("index", "size"), [(0, 0), (0, 101), (-1, 20)])
def test_pages_outside_the_contract_are_invalid_page_size(index: int, size: int) -> None:
    with pytest.raises(InvalidPageSize):
        PageRequest(page_index=index, page_size=size)


def test_a_page_request_knows_its_offset() -> None:
    assert PageRequest(page_index=3, page_size=25).offset == 75
