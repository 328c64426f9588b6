"""Customers and vehicles through the API, over real HTTP."""

from __future__ import annotations

from tests.conftest import Api

CREATE_CUSTOMER = """
mutation($input: CreateCustomerInput!) {
  createCustomer(input: $input) { customerId name email phone version }
}"""


async def test_a_registered_customer_is_found_by_name_email_and_phone(api: Api) -> None:
    created = await api.data(
        CREATE_CUSTOMER,
        {
            "input": {
                "name": "John Doe",
                "email": "john.doe@example.com",
                "phone": "+1-555-123-4567",
            }
        },
    )
    assert created["createCustomer"]["customerId"] == "CUST-001"
    for term in ("john", "DOE@EXAMPLE", "555-123"):
        found = await api.data(
            "query($q: String) { searchCustomers(query: $q) { items { customerId name } "
            "totalCount hasNextPage pageIndex pageSize } }",
            {"q": term},
        )
        page = found["searchCustomers"]
        assert page["items"] == [{"customerId": "CUST-001", "name": "John Doe"}], term
        assert (page["totalCount"], page["hasNextPage"], page["pageIndex"], page["pageSize"]) == (
            1,
            False,
            0,
            20,
        )
