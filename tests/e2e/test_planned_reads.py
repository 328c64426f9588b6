"""The compiled read path answers exactly as Strawberry does (issue 18, "Correctness by
construction").

Every document here is sent to the session's gateway (planned reads on, the default)
and to a second gateway on the same database with `PLANNED_READS=false`, and the two
bodies must be equal: the same data value by value, the same errors. The corpus is the
planned roots' documents the other tests send, the bench's, and documents generated
over the planned types (random selections, aliases, fragments, inline fragments,
`@include`/`@skip` with variables, `__typename`). Each test also checks that the planned
gateway really answered from one statement per root field.
"""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from graphql import GraphQLObjectType, get_named_type
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.identity import Permission
from resolvers.planned_reads import PLANNED_FIELDS
from schema.planning.selection import planned_fields
from schema.root import build_schema
from tests.conftest import Api, RunningGateway, Services, settings_for, token
from tests.e2e import estimate_shop
from tests.e2e import service_order_steps as orders
from tests.e2e.test_work_lists import ROOT_ESTIMATES, WorkLog


@pytest.fixture(scope="module")
async def unplanned(services: Services, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A gateway on the same database that runs every operation through Strawberry."""
    async with (
        RunningGateway(settings_for(services, planned_reads=False)) as running,
        httpx.AsyncClient(base_url=running.url, timeout=30) as client,
    ):
        yield client


@pytest.fixture
def work_log(gateway: RunningGateway, tenant: str) -> Iterator[WorkLog]:
    pool = gateway.app.state.engine.sync_engine.pool
    log = WorkLog(tenant)
    event.listen(pool, "checkout", log.watch)
    yield log
    event.remove(pool, "checkout", log.watch)
    for driver_connection in log.watched:
        driver_connection.remove_query_logger(log)


class Both:
    """Sends one request to both gateways and requires equal bodies."""

    def __init__(self, api: Api, unplanned: httpx.AsyncClient, log: WorkLog):
        self.api = api
        self.unplanned = unplanned
        self.log = log

    async def __call__(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        permissions: list[str] | None = None,
        tenant: str | None = None,
        planned_statements: int | None = None,
    ) -> dict[str, Any]:
        bearer = token(tenant or self.api.tenant, permissions)
        headers = {"Authorization": f"Bearer {bearer}"}
        body = {"query": query, "variables": variables or {}}
        self.log.statements.clear()
        planned = await self.api.http.post("/graphql", json=body, headers=headers)
        statements = len(self.log.statements)
        ordinary = await self.unplanned.post("/graphql", json=body, headers=headers)
        assert planned.status_code == ordinary.status_code
        assert _in_any_order(planned.json()) == _in_any_order(ordinary.json()), query
        if planned_statements is not None:
            assert statements == planned_statements, self.log.statements
        return planned.json()


def _in_any_order(body: dict[str, Any]) -> dict[str, Any]:
    """`body` with its errors sorted: Strawberry lists them as its resolvers finish,
    so two failing fields may come in either order on either path."""
    errors = body.get("errors")
    if errors is None:
        return body
    return {**body, "errors": sorted(errors, key=lambda e: json.dumps(e, sort_keys=True))}


@pytest.fixture
def both(api: Api, unplanned: httpx.AsyncClient, work_log: WorkLog) -> Both:
    return Both(api, unplanned, work_log)


async def _estimates(api: Api) -> list[str]:
    """A draft, a submitted and an approved estimate (lines, discount, tax, approval)."""
    await estimate_shop.open_shop(api)
    draft = await estimate_shop.seed_estimate(api)
    await estimate_shop.run(
        api,
        estimate_shop.SET_DISCOUNT,
        estimateId=draft["estimateId"],
        version=draft["version"],
        discountPercent="10",
    )
    submitted = await estimate_shop.submitted(api)
    approved = await estimate_shop.submitted(api)
    await estimate_shop.run(
        api,
        estimate_shop.APPROVE,
        estimateId=approved["estimateId"],
        version=approved["version"],
    )
    return [draft["estimateId"], submitted["estimateId"], approved["estimateId"]]


async def _expire(engine: AsyncEngine, tenant: str, estimate_id: str) -> None:
    """Make `estimate_id` past its validity, and its instants whole seconds (written
    without microseconds, as a DateTime that has none)."""
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "UPDATE estimates SET expires_at = date_trunc('second', now()) - interval '1 day', "
                "submitted_at = date_trunc('second', submitted_at) "
                "WHERE tenant_id = :tenant AND id = :id"
            ),
            {"tenant": tenant, "id": estimate_id},
        )


ESTIMATE_FIELDS = (
    estimate_shop.ESTIMATE
    + """
  customer { customerId name email phone tier creditLimit version createdAt updatedAt }
  vehicle { vehicleId vin description unitNumber licensePlate customerId customer { name } version
    createdAt updatedAt }
  location { locationId name currencyUomId timeZone version createdAt updatedAt }"""
)
ORDER_FIELDS = """serviceOrderId customerId vehicleId locationId priority status description
  estimateId items { itemId itemType description quantity unitPrice taxCode }
  scheduleStart scheduleEnd technicianId appointmentId startedAt completionTime resolutionCode
  cancelledAt cancellationReason contractId coveredByContract billedAt createdAt version
  customer { customerId name } vehicle { vehicleId vin } location { locationId name }"""
BENCH = {
    "orders": """{ serviceOrders(pageSize: 50) { items { serviceOrderId status priority createdAt
      customer { customerId name } vehicle { vehicleId vin } location { locationId name }
      items { description quantity unitPrice } } } }""",
    "estimate": """query($id: ID!) { estimate(id: $id) { estimateId status
      items { description quantity unitPrice lineTotal } totals { grandTotal }
      customer { customerId name } vehicle { vehicleId vin } } }""",
}


async def test_estimates_read_the_same_on_both_paths(
    api: Api, both: Both, engine: AsyncEngine
) -> None:
    ids = await _estimates(api)
    await _expire(engine, api.tenant, ids[1])
    for estimate_id in ids:
        await both(
            f"query($id: ID!) {{ estimate(id: $id) {{ {ESTIMATE_FIELDS} }} }}",
            {"id": estimate_id},
            planned_statements=1,
        )
        await both(estimate_shop.READ, {"id": estimate_id}, planned_statements=1)
        await both(BENCH["estimate"], {"id": estimate_id}, planned_statements=1)
    page = f"""query($size: Int, $index: Int) {{ estimates(pageSize: $size, pageIndex: $index) {{
      __typename pageIndex pageSize hasNextPage totalCount items {{ {ESTIMATE_FIELDS} }} }} }}"""
    for size, index in ((1, 0), (2, 1), (20, 0), (1, 5)):
        await both(page, {"size": size, "index": index}, planned_statements=1)
    variables: dict[str, Any] = {"customer": "CUST-001", "size": 2}
    for status in (["APPROVED"], ["PENDING_APPROVAL", "DRAFT"], ["EXPIRED"]):
        await both(ROOT_ESTIMATES, {**variables, "status": status}, planned_statements=1)
    body = await both(ROOT_ESTIMATES, {"status": ["EXPIRED"]}, planned_statements=1)
    assert [e["estimateId"] for e in body["data"]["estimates"]["items"]] == [ids[1]]
    hour = timedelta(hours=1)
    now = datetime.now(UTC)
    await both(
        ROOT_ESTIMATES,
        {"since": (now - hour).isoformat(), "until": (now + hour).isoformat()},
        planned_statements=1,
    )


async def test_service_orders_read_the_same_on_both_paths(api: Api, both: Both) -> None:
    shop = await orders.open_shop(api)
    created = await orders.create_order(api, shop)
    started = await orders.in_progress(api, shop)
    for order_id in (created["serviceOrderId"], started):
        await both(
            f"query($id: ID!) {{ serviceOrder(id: $id) {{ {ORDER_FIELDS} }} }}",
            {"id": order_id},
            planned_statements=1,
        )
    await both(BENCH["orders"], planned_statements=1)
    filtered = f"""query($status: [ServiceOrderStatus!], $priority: [Priority!], $customer: ID,
      $location: ID) {{ serviceOrders(status: $status, priority: $priority, customerId: $customer,
      locationId: $location, pageSize: 1) {{ totalCount hasNextPage items {{ {ORDER_FIELDS} }} }}
      }}"""
    for variables in (
        {},
        {"status": ["IN_PROGRESS"]},
        {"priority": ["HIGH", "LOW"], "customer": shop["customer"]},
        {"location": "LOC-404"},
    ):
        await both(filtered, variables, planned_statements=1)
    await both(
        f"""query($id: ID!) {{ a: serviceOrder(id: $id) {{ serviceOrderId }}
        b: serviceOrders {{ items {{ {ORDER_FIELDS} }} }} }}""",
        {"id": started},
        planned_statements=2,
    )


async def test_errors_are_the_ordinary_paths(api: Api, both: Both) -> None:
    """Not found, another tenant's id, a field the caller may not read, a page out of
    range, no permission at all: the planned gateway answers as Strawberry does."""
    [draft, *_] = await _estimates(api)
    read = f"query($id: ID!) {{ estimate(id: $id) {{ {ESTIMATE_FIELDS} }} }}"
    body = await both(read, {"id": "EST-404"})
    assert body["errors"][0]["extensions"]["code"] == "ESTIMATE_NOT_FOUND"
    body = await both(read, {"id": draft}, tenant="t-someone-else")
    assert body["errors"][0]["extensions"]["code"] == "ESTIMATE_NOT_FOUND"
    no_customers = [p for p in Permission.all() if p != Permission.CUSTOMER_READ]
    body = await both(read, {"id": draft}, permissions=no_customers)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    no_orders = [p for p in Permission.all() if p != Permission.SERVICE_ORDER_READ]
    body = await both(
        "query($id: ID!) { estimate(id: $id) { customer { serviceOrders { totalCount } } } }",
        {"id": draft},
        permissions=no_orders,
    )
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    body = await both(read, {"id": draft}, permissions=[])
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await both("{ estimates(pageSize: 0) { totalCount } }")
    assert body["errors"][0]["extensions"]["code"] == "INVALID_PAGE_SIZE"
    body = await both('{ serviceOrder(id: "SO-404") { serviceOrderId } }')
    assert body["errors"][0]["extensions"]["code"] == "SERVICE_ORDER_NOT_FOUND"


def _planned_types() -> dict[str, tuple[list[str], dict[str, str]]]:
    """Each planned object type's planned scalar fields and object fields (by type),
    read from the schema and the planner's registry: a field planned tomorrow is
    generated here without a change."""
    schema = build_schema()._schema
    found: dict[str, tuple[list[str], dict[str, str]]] = {}
    for name in PLANNED_FIELDS:
        graphql_type = schema.type_map[name]
        assert isinstance(graphql_type, GraphQLObjectType)
        scalars, objects = [], {}
        for field_name in sorted(planned_fields(name)):
            named = get_named_type(graphql_type.fields[field_name].type)
            if isinstance(named, GraphQLObjectType):
                if named.name in PLANNED_FIELDS:  # the link lists have tests of their own
                    objects[field_name] = named.name
            else:
                scalars.append(field_name)
        found[name] = (scalars, objects)
    return found


PLANNED_TYPES = _planned_types()


class Generated:
    """A random document over the planned estimate types: random fields under random
    aliases, some in named fragments or inline fragments, some under `@include` or
    `@skip` of a variable, `__typename` now and then."""

    def __init__(self, seed: int):
        self.random = random.Random(seed)
        self.fragments: list[str] = []

    def selection(self, type_name: str, depth: int) -> str:
        pick = self.random
        scalars, objects = PLANNED_TYPES[type_name]
        fields = pick.sample(scalars, pick.randint(1, 5))
        parts = [self.decorated(name) for name in fields]
        for name, inner in objects.items():
            if depth < 3 and pick.random() < 0.4:
                parts.append(f"{self.decorated(name)} {{ {self.selection(inner, depth + 1)} }}")
        if pick.random() < 0.2:
            parts.append("__typename")
        if pick.random() < 0.3:
            name = f"F{len(self.fragments)}"
            self.fragments.append(f"fragment {name} on {type_name} {{ {' '.join(fields)} }}")
            parts.append(f"...{name}")
        if pick.random() < 0.3:
            parts.append(f"... on {type_name} {{ {pick.choice(scalars)} }}")
        if pick.random() < 0.3:
            parts.append(f"... @include(if: $on) {{ {pick.choice(scalars)} }}")
        return " ".join(parts)

    def decorated(self, name: str) -> str:
        pick = self.random
        alias = f"a{pick.randint(0, 999)}_{name}: " if pick.random() < 0.3 else ""
        directive = pick.choice(["", "", "", " @include(if: $on)", " @skip(if: $on)"])
        return f"{alias}{name}{directive}"

    def document(self, kind: str) -> str:
        """`estimate` and `estimates`, or `serviceOrder` and `serviceOrders`."""
        type_name = "Estimate" if kind == "estimate" else "ServiceOrder"
        single = self.selection(type_name, 0)
        listed = self.selection(type_name, 0)
        root = (
            f"one: {kind}(id: $id) {{ {single} }} "
            f"list: {kind}s(pageSize: 3) {{ hasNextPage items {{ {listed} }} }}"
        )
        return f"query($id: ID!, $on: Boolean!) {{ {root} }} {' '.join(self.fragments)}"


@pytest.mark.parametrize("kind", ["estimate", "serviceOrder"])
async def test_generated_queries_read_the_same_on_both_paths(
    api: Api, both: Both, kind: str
) -> None:
    if kind == "estimate":
        ids = await _estimates(api)
    else:
        shop = await orders.open_shop(api)
        created = await orders.create_order(api, shop)
        ids = [created["serviceOrderId"], await orders.in_progress(api, shop)]
    for seed in range(40):
        document = Generated(seed).document(kind)
        for on in (True, False):
            body = await both(
                document, {"id": ids[seed % len(ids)], "on": on}, planned_statements=2
            )
            assert "errors" not in body, (document, body)


async def test_unplanned_fields_fall_back_to_strawberry(api: Api, both: Both) -> None:
    """A document selecting a field the planner does not answer (`quoteId`, a
    customer's vehicles) runs wholly through Strawberry, with the same answer."""
    [draft, *_] = await _estimates(api)
    body = await both("query($id: ID!) { estimate(id: $id) { estimateId quoteId } }", {"id": draft})
    assert body["data"]["estimate"]["quoteId"]
    await both(
        "query($id: ID!) { estimate(id: $id) { estimateId customer { vehicles { vin } } } }",
        {"id": draft},
    )


LINKS = """query($id: ID!, $first: Int, $after: String, $status: [EstimateStatus!],
  $orderStatus: [ServiceOrderStatus!], $since: DateTime) {
  estimate(id: $id) { estimateId
    customer { customerId
      estimates(first: $first, after: $after, status: $status, since: $since) {
        __typename totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor __typename }
        edges { cursor node { estimateId status totals { grandTotal } } __typename }
        nodes { estimateId createdAt customer { name } }
        again: nodes { revision } }
      serviceOrders(first: $first, status: $orderStatus) { totalCount nodes { serviceOrderId } }
    }
    vehicle { estimates(first: 1) { pageInfo { endCursor } nodes { estimateId } } }
    location { estimates(first: 2, after: $after) { edges { cursor } } serviceOrders {
      pageInfo { hasNextPage } } } } }"""


async def test_link_lists_read_the_same_on_both_paths(api: Api, both: Both) -> None:
    """A customer's, vehicle's and location's estimates and service orders as
    connections: every page by cursor, filters, totals; an invalid cursor or `first`
    answers as the ordinary path does."""
    ids = await _estimates(api)
    after = None
    for _ in range(4):
        variables = {"id": ids[0], "first": 1, "after": after}
        body = await both(LINKS, variables, planned_statements=1)
        after = body["data"]["estimate"]["customer"]["estimates"]["pageInfo"]["endCursor"]
    assert after is None, "three estimates, one a page, then an empty page"
    for variables in (
        {"first": 2, "status": ["APPROVED", "DRAFT"]},
        {"status": ["EXPIRED"], "orderStatus": ["REQUESTED"]},
        {"since": datetime.now(UTC).isoformat()},
        {"first": 100},
    ):
        await both(LINKS, {"id": ids[1], **variables}, planned_statements=1)
    for refused in ({"first": 0}, {"first": 101}, {"after": "bm90IG9ycw=="}):
        body = await both(LINKS, {"id": ids[1], **refused})
        assert body["errors"][0]["extensions"]["code"] in {"INVALID_PAGE_SIZE", "INVALID_CURSOR"}


async def test_link_list_statements_do_not_grow_with_page_size(api: Api, both: Both) -> None:
    """A page of estimates with their customers' estimates is one statement at any
    page size, as its root alone."""
    await _estimates(api)
    nested = """query($size: Int, $first: Int) { estimates(pageSize: $size) { items {
      estimateId customer { estimates(first: $first) { totalCount nodes { estimateId } } } } } }"""
    for size, first in ((1, 1), (3, 10), (3, 100)):
        await both(nested, {"size": size, "first": first}, planned_statements=1)
