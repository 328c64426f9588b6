"""Bodies that are not GraphQL requests get a 4xx in the GraphQL error shape, never a 500."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.conftest import Api, RunningGateway, token
from tests.graphql_ws import LEGACY_WS, TRANSPORT_WS, Subscriber

NOT_A_REQUEST = [
    (b"null", "not JSON null"),
    (b'"{ __typename }"', "not JSON str"),
    (b"5", "not JSON int"),
    (b"[]", "batches are not accepted"),
    (b'[{"query": "{ __typename }"}]', "batches are not accepted"),
    (b"{", "Unable to parse request body as JSON"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b'{"query": 5}', "`query` must be a string"),
    (b'{"query": "{ __typename }", "variables": 5}', "`variables` must be an object"),
]


@pytest.mark.parametrize(("body", "says"), NOT_A_REQUEST)
async def test_a_body_that_is_not_a_graphql_request_is_a_bad_request(
    http: httpx.AsyncClient, body: bytes, says: str
) -> None:
    response = await http.post(
        "/graphql",
        content=body,
        headers={"content-type": "application/json", "authorization": f"Bearer {token('t-x')}"},
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert says in error["message"]


async def test_a_wrong_content_type_is_a_bad_request_and_a_good_request_still_runs(
    http: httpx.AsyncClient, api: Api
) -> None:
    response = await http.post(
        "/graphql",
        content=b"{ __typename }",
        headers={"content-type": "text/plain", "authorization": f"Bearer {token(api.tenant)}"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert await api.data("{ __typename }") == {"__typename": "Query"}


@pytest.mark.parametrize(
    ("document", "variables", "code"),
    [
        ("query($x: Int) { __typename }", {}, "GRAPHQL_VALIDATION_FAILED"),
        ("{ customer(id: $y) { customerId } }", {}, "GRAPHQL_VALIDATION_FAILED"),
        (
            "query($x: String!) { customer(id: $x) { customerId } }",
            {"x": "a"},
            "GRAPHQL_VALIDATION_FAILED",
        ),
        ("query($x: ID!) { customer(id: $x) { customerId } }", {}, "BAD_USER_INPUT"),
        ("query($x: ID!) { customer(id: $x) { customerId } }", {"x": None}, "BAD_USER_INPUT"),
        (
            "query($x: Int!) { searchCustomers(query: null, pageSize: $x) { totalCount } }",
            {"x": "abc"},
            "BAD_USER_INPUT",
        ),
    ],
)
async def test_a_fault_of_the_document_and_a_fault_of_a_value_get_their_own_codes(
    api: Api, document: str, variables: dict[str, object], code: str
) -> None:
    assert await api.error_codes(document, variables) == [code]


async def test_a_document_that_does_not_parse_or_is_too_long_is_coded_over_http(api: Api) -> None:
    assert await api.error_codes("{ __typename ") == ["GRAPHQL_PARSE_FAILED"]
    too_long = "{ " + " ".join(["__typename"] * 3000) + " }"
    assert await api.error_codes(too_long) == ["GRAPHQL_VALIDATION_FAILED"]


async def test_a_subscription_that_does_not_parse_is_refused_on_both_protocols(
    gateway: RunningGateway, api: Api
) -> None:
    broken = "subscription { domainEvents { cursor "
    modern = await Subscriber(gateway.url, token(api.tenant), TRANSPORT_WS).connect()
    try:
        await modern.acknowledged()
        await modern.subscribe(broken)
        closed = await modern.close_code()
    finally:
        await modern.close()
    assert closed == 4400
    legacy = await Subscriber(gateway.url, token(api.tenant), LEGACY_WS).connect()
    try:
        await legacy.acknowledged()
        await legacy.subscribe(broken)
        refusal = await legacy.receive()
    finally:
        await legacy.close()
    assert refusal["type"] == "error"
    assert refusal["payload"]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
@pytest.mark.parametrize("frame", ["[1]", "5", "null", '"subscribe"'])
async def test_a_websocket_frame_that_is_not_a_json_object_closes_with_4400(
    gateway: RunningGateway, api: Api, protocol: str, frame: str
) -> None:
    subscriber = await Subscriber(gateway.url, token(api.tenant), protocol).connect()
    try:
        await subscriber.acknowledged()
        assert subscriber.ws is not None
        await subscriber.ws.send(frame)
        closed = await subscriber.close_code()
    finally:
        await subscriber.close()
    assert closed == 4400


async def test_a_websocket_frame_nested_too_deeply_closes_with_4400(
    gateway: RunningGateway, api: Api
) -> None:
    subscriber = await Subscriber(gateway.url, token(api.tenant), TRANSPORT_WS).connect()
    try:
        await subscriber.acknowledged()
        assert subscriber.ws is not None
        await subscriber.ws.send("[" * 100_000 + "]" * 100_000)
        closed = await subscriber.close_code()
    finally:
        await subscriber.close()
    assert closed == 4400


async def test_a_body_over_the_limit_is_413_declared_or_streamed(
    http: httpx.AsyncClient, api: Api
) -> None:
    padding = " " * 1_000_001
    body = ('{"query": "{ __typename }' + padding + '"}').encode()
    headers = {"content-type": "application/json", "authorization": f"Bearer {token(api.tenant)}"}

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 65_536):
            yield body[start : start + 65_536]

    declared = await http.post("/graphql", content=body, headers=headers)
    streamed = await http.post("/graphql", content=chunks(), headers=headers)
    for response in (declared, streamed):
        assert response.status_code == 413
        assert response.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"
    assert await api.data("{ __typename }") == {"__typename": "Query"}


async def test_a_document_over_the_limit_is_refused_before_it_is_parsed(
    api: Api, gateway: RunningGateway
) -> None:
    long_document = "{ __typename }" + "#" * 50_000
    body = await api(long_document)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["DOCUMENT_TOO_LARGE"]
    assert "50014 characters" in body["errors"][0]["message"]
    legacy = await Subscriber(gateway.url, token(api.tenant), LEGACY_WS).connect()
    try:
        await legacy.acknowledged()
        await legacy.subscribe("subscription { domainEvents { cursor } }" + "#" * 50_000)
        refusal = await legacy.receive()
    finally:
        await legacy.close()
    assert refusal["payload"]["extensions"]["code"] == "DOCUMENT_TOO_LARGE"


GRAPHQL_RESPONSE = "application/graphql-response+json"


async def post_for_graphql_response(
    http: httpx.AsyncClient, tenant: str, document: str, variables: dict[str, object]
) -> httpx.Response:
    return await http.post(
        "/graphql",
        json={"query": document, "variables": variables},
        headers={"accept": GRAPHQL_RESPONSE, "authorization": f"Bearer {token(tenant)}"},
    )


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        ("{ __typename ", {}),
        ("{ nope }", {}),
        ("query($x: ID!) { customer(id: $x) { customerId } }", {}),
    ],
)
async def test_a_request_error_is_a_400_without_data_for_graphql_response_clients(
    http: httpx.AsyncClient, api: Api, document: str, variables: dict[str, object]
) -> None:
    response = await post_for_graphql_response(http, api.tenant, document, variables)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    body = response.json()
    assert "data" not in body
    assert body["errors"]


async def test_a_field_error_stays_a_200_with_data_for_graphql_response_clients(
    http: httpx.AsyncClient, api: Api
) -> None:
    missing = await post_for_graphql_response(
        http, api.tenant, '{ customer(id: "CUST-404") { customerId } }', {}
    )
    fine = await post_for_graphql_response(http, api.tenant, "{ __typename }", {})
    assert (missing.status_code, fine.status_code) == (200, 200)
    assert "data" in missing.json() and missing.json()["errors"][0]["path"] == ["customer"]
    assert fine.json()["data"] == {"__typename": "Query"}
    assert fine.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    legacy = await http.post(
        "/graphql",
        json={"query": "{ nope }"},
        headers={"authorization": f"Bearer {token(api.tenant)}"},
    )
    assert (legacy.status_code, legacy.headers["content-type"]) == (200, "application/json")
