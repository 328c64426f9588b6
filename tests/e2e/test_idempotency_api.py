"""`Idempotency-Key` on mutations, over real HTTP: a retry returns the first result and
changes nothing; another request under the same key, or a duplicate still running, is
refused with a stable code; a failed request can be retried; queries ignore the key."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx

from tests.conftest import Api, token
from tests.e2e.estimate_shop import ADD_PART, APPROVE, READ, open_shop, seed_estimate, submitted

COUNT = "query { searchCustomers { totalCount } }"
CREATE_CUSTOMER = """
mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customerId name } }"""


async def post(
    api: Api, query: str, variables: dict[str, Any], key: str, tenant: str | None = None
) -> httpx.Response:
    return await api.http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={
            "Authorization": f"Bearer {token(tenant or api.tenant)}",
            "Idempotency-Key": key,
        },
    )


def code(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    return response.json()["errors"][0]["extensions"]["code"]


async def test_a_repeated_mutation_returns_the_first_response_and_changes_nothing(
    api: Api,
) -> None:
    key = str(uuid.uuid4())
    variables = {"input": {"name": "John Doe"}}
    first = await post(api, CREATE_CUSTOMER, variables, key)
    again = await post(api, CREATE_CUSTOMER, variables, key)

    assert first.json()["data"] == {
        "createCustomer": {"customerId": "CUST-001", "name": "John Doe"}
    }
    assert again.content == first.content
    assert again.headers["idempotent-replayed"] == "true"
    assert (await api.data(COUNT))["searchCustomers"]["totalCount"] == 1

    other_tenant = await post(api, CREATE_CUSTOMER, variables, key, tenant=f"{api.tenant}-b")
    assert "idempotent-replayed" not in other_tenant.headers
    assert other_tenant.json()["data"]["createCustomer"]["customerId"] == "CUST-001"


async def test_the_same_key_with_another_request_is_refused(api: Api) -> None:
    key = str(uuid.uuid4())
    await post(api, CREATE_CUSTOMER, {"input": {"name": "John Doe"}}, key)
    reused = await post(api, CREATE_CUSTOMER, {"input": {"name": "Jane Roe"}}, key)

    assert code(reused) == "IDEMPOTENCY_KEY_REUSED"
    assert (await api.data(COUNT))["searchCustomers"]["totalCount"] == 1


async def test_a_request_that_failed_releases_its_key_for_a_retry(api: Api) -> None:
    await open_shop(api)
    estimate = await seed_estimate(api)
    key = str(uuid.uuid4())
    stale = {"input": {"estimateId": "EST-001", "version": 99, "productId": "PART-001"}}
    assert code(await post(api, ADD_PART, stale, key)) == "VERSION_CONFLICT"
    assert code(await post(api, ADD_PART, stale, key)) == "VERSION_CONFLICT"

    fresh = {"input": {**stale["input"], "version": estimate["version"]}}
    other_key = str(uuid.uuid4())
    added = await post(api, ADD_PART, fresh, other_key)
    retried = await post(api, ADD_PART, fresh, other_key)
    assert retried.content == added.content
    assert len((await api.data(READ, {"id": "EST-001"}))["estimate"]["items"]) == 3


async def test_a_duplicate_arriving_while_the_first_runs_does_not_run_twice(api: Api) -> None:
    await open_shop(api)
    pending = await submitted(api)
    key = str(uuid.uuid4())
    request = {"input": {"estimateId": "EST-001", "version": pending["version"]}}

    responses = await asyncio.gather(*(post(api, APPROVE, request, key) for _ in range(4)))

    approved = [r for r in responses if "errors" not in r.json()]
    assert approved, [r.json() for r in responses]
    assert {r.content for r in approved} == {approved[0].content}
    assert {code(r) for r in responses if "errors" in r.json()} <= {"IDEMPOTENCY_KEY_IN_USE"}
    trail = await api.data(
        'query { auditTrail(resourceType: "ESTIMATE", resourceId: "EST-001") { action } }'
    )
    assert [e["action"] for e in trail["auditTrail"]] == ["SUBMIT", "APPROVE"]


async def test_queries_ignore_the_key(api: Api) -> None:
    key = str(uuid.uuid4())
    assert (await post(api, COUNT, {}, key)).json()["data"]["searchCustomers"]["totalCount"] == 0
    await api.data(CREATE_CUSTOMER, {"input": {"name": "John Doe"}})
    assert (await post(api, COUNT, {}, key)).json()["data"]["searchCustomers"]["totalCount"] == 1
