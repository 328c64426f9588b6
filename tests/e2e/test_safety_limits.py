"""Limits that keep one request from exhausting a public endpoint."""

from __future__ import annotations

from tests.conftest import Api


def _nested(depth: int) -> str:
    selection = "customerId"
    for level in range(depth):
        selection = f"vehicles {{ customer {{ {selection} }} }}" if level % 2 == 0 else selection
    return f'{{ customer(id: "CUST-001") {{ {selection} }} }}'


async def test_a_query_nested_beyond_the_depth_limit_is_refused_before_it_runs(api: Api) -> None:
    body = await api(_nested(12))
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]


async def test_too_many_aliases_are_refused(api: Api) -> None:
    aliases = " ".join(f"a{i}: searchCustomers {{ pageIndex }}" for i in range(40))
    body = await api(f"{{ {aliases} }}")
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "aliases" in body["errors"][0]["message"]


async def test_an_oversized_document_is_refused(api: Api) -> None:
    fields = " ".join("pageIndex" for _ in range(2100))
    body = await api(f"{{ searchCustomers {{ {fields} }} }}")
    assert "token" in body["errors"][0]["message"].lower()


async def test_a_wrongly_typed_variable_is_bad_user_input(api: Api) -> None:
    body = await api(
        "query($s: Int) { searchCustomers(pageSize: $s) { pageSize } }", {"s": "twenty"}
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
