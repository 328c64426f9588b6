"""A query's cost is known before it runs: over the limit it is refused, and every
response says what it cost."""

from __future__ import annotations

from tests.conftest import Api

PAGE = "{ searchParts(query: null, pageSize: 100) { items { sku name } } }"


async def test_thirty_aliases_of_a_hundred_row_page_are_refused_before_running(api: Api) -> None:
    aliases = " ".join(
        f"p{n}: searchParts(query: null, pageSize: 100) {{ items {{ sku name }} }}"
        for n in range(30)
    )
    body = await api("{ " + aliases + " }")
    [error] = body["errors"]
    assert error["extensions"]["code"] == "COST_LIMIT_EXCEEDED"
    assert body["data"] is None
    assert body["extensions"]["cost"] == {"requested": 30 * (1 + 100 * 3), "maximum": 5000}


async def test_a_page_reports_its_cost_and_a_variable_page_size_counts(api: Api) -> None:
    body = await api(PAGE)
    assert body["extensions"]["cost"] == {"requested": 1 + 100 * 3, "maximum": 5000}
    sized = await api(
        "query($n: Int) { searchParts(query: null, pageSize: $n) { items { sku } } }", {"n": 7}
    )
    assert sized["extensions"]["cost"]["requested"] == 1 + 7 * 2
    assert "errors" not in sized
    larger = await api(
        "query($n: Int) { searchParts(query: null, pageSize: $n) { items { sku } } }", {"n": 50}
    )
    assert larger["extensions"]["cost"]["requested"] == 1 + 50 * 2
    again = await api(PAGE)
    assert again["extensions"]["cost"] == body["extensions"]["cost"]


async def test_a_page_size_left_out_counts_at_the_size_the_field_defaults_to(api: Api) -> None:
    """A customer's estimates default to 20 a customer, and 100 customers' worth is 2,000
    estimates however the document spells it."""
    unsized = await api(
        "{ searchCustomers(pageSize: 100) { items { estimates { nodes { estimateId } } } } }"
    )
    sized = await api(
        "{ searchCustomers(pageSize: 100) { items { estimates(first: 20) {"
        " nodes { estimateId } } } } }"
    )
    assert unsized["extensions"]["cost"]["requested"] == 1 + 100 * (1 + (1 + 20 * (1 + 1)))
    assert sized["extensions"]["cost"] == unsized["extensions"]["cost"]
    fragment = await api(
        "{ searchCustomers { ...list } } fragment list on CustomerPage { items { customerId } }"
    )
    assert fragment["extensions"]["cost"]["requested"] == 1 + 20 * (1 + 1)
