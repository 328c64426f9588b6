"""What no field accepts is refused before any resolver runs, with BAD_USER_INPUT, and
nothing is stored: text PostgreSQL cannot hold or longer than any field takes, decimals
that are not numbers or that no column holds, a cursor beyond the event sequence."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import Api, RunningGateway, token
from tests.graphql_ws import Subscriber

CREATE_CUSTOMER = """mutation($input: CreateCustomerInput!) {
  createCustomer(input: $input) { customerId name } }"""
CREATE_PART = """mutation($input: CreatePartInput!) {
  createPart(input: $input) { productId unitPrice } }"""
CUSTOMERS = "{ searchCustomers(query: null) { totalCount } }"
PARTS = '{ searchParts(query: "CHECK") { totalCount } }'


async def raw(http: httpx.AsyncClient, tenant: str, body: str) -> dict[str, Any]:
    """A request sent as the exact JSON text `body` (escapes a client library would fix)."""
    response = await http.post(
        "/graphql",
        content=body.encode(),
        headers={"content-type": "application/json", "authorization": f"Bearer {token(tenant)}"},
    )
    assert response.status_code == 200, response.text
    return response.json()


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ('"Ann\\u0000Lee"', "NUL character"),
        ('"Ann\\ud800Lee"', "unpaired UTF-16 surrogate"),
        ('"' + "A" * 10_001 + '"', "no field takes more than 10000"),
    ],
)
async def test_text_no_field_can_take_is_refused_in_variables_and_stores_nothing(
    http: httpx.AsyncClient, api: Api, name: str, says: str
) -> None:
    query = CREATE_CUSTOMER.replace("\n", " ").replace('"', '\\"')
    body = await raw(
        http, api.tenant, f'{{"query": "{query}", "variables": {{"input": {{"name": {name}}}}}}}'
    )
    assert codes(body) == ["BAD_USER_INPUT"]
    assert says in body["errors"][0]["message"]
    assert "$input.name" in body["errors"][0]["message"]
    assert (await api.data(CUSTOMERS))["searchCustomers"]["totalCount"] == 0


async def test_text_no_field_can_take_is_refused_in_the_document(
    http: httpx.AsyncClient, api: Api
) -> None:
    document = '{ customer(id: \\"CUST\\u0000-1\\") { customerId } }'
    body = await raw(http, api.tenant, f'{{"query": "{document}"}}')
    assert codes(body) == ["BAD_USER_INPUT"]
    assert "NUL character" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    ("price", "says"),
    [
        ('"NaN"', "not a number"),
        ('"sNaN"', "not a number"),
        ('"Infinity"', "not a number"),
        ("1e309", "not a number"),
        ('"1_000"', "not a decimal number"),
        ('" 1 "', "not a decimal number"),
        ('"1234567890123456"', "more than 15 digits"),
        ('"0.0000001"', "more than 6 decimal places"),
        ("true", "not a decimal number"),
    ],
)
async def test_a_decimal_no_column_can_hold_is_refused_and_stores_nothing(
    http: httpx.AsyncClient, api: Api, price: str, says: str
) -> None:
    query = CREATE_PART.replace("\n", " ").replace('"', '\\"')
    part = f'{{"sku": "CHECK-1", "name": "Check", "unitPrice": {price}}}'
    body = await raw(http, api.tenant, f'{{"query": "{query}", "variables": {{"input": {part}}}}}')
    assert codes(body) == ["BAD_USER_INPUT"]
    assert says in body["errors"][0]["message"]
    assert (await api.data(PARTS))["searchParts"]["totalCount"] == 0


async def test_good_text_and_decimals_still_pass(api: Api) -> None:
    customer = await api.data(CREATE_CUSTOMER, {"input": {"name": "Zoë Ünal 山田"}})
    part = await api.data(
        CREATE_PART, {"input": {"sku": "CHECK-1", "name": "Check", "unitPrice": "1000.50"}}
    )
    assert customer["createCustomer"]["name"] == "Zoë Ünal 山田"
    assert part["createPart"]["unitPrice"] == "1000.50"


async def test_a_cursor_beyond_the_event_sequence_is_refused(
    gateway: RunningGateway, api: Api
) -> None:
    subscriber = await Subscriber(gateway.url, token(api.tenant)).connect()
    try:
        await subscriber.acknowledged()
        await subscriber.subscribe(
            "subscription($since: String) { domainEvents(since: $since) { cursor } }",
            {"since": "99999999999999999999"},
        )
        message = await subscriber.receive()
    finally:
        await subscriber.close()
    payload = message["payload"]
    errors = payload if isinstance(payload, list) else payload["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["BAD_USER_INPUT"]
