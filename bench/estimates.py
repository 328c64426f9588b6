"""Estimate workflow benchmark: p50 and p99 per mutation at 1 and 10 concurrent clients.

Self-contained and repeatable: starts the embedded PostgreSQL and broker in a temporary
folder, runs `gateway serve` as its own process, sets up a shop over the API (a location
with tax codes and an approval policy, five parts, three services, a customer and a
vehicle), then drives whole workflows over loopback HTTP: createEstimate, five
addPartToEstimate, three addServiceToEstimate, submitEstimate, approveEstimate, each
client one workflow after another. Every mutation's round trip is timed from the
client; a few warm-up workflows run first and are not counted.

    .venv/bin/python -m bench.estimates    # about 15 s on 2 cores
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from collections import defaultdict
from typing import Any

import uvloop

from bench.harness import (
    GraphQLClient,
    bench_token,
    machine_busy_seconds,
    percentile,
    process_cpu_seconds,
    running_gateway,
)

ESTIMATE = "{ estimateId version totals { grandTotal } }"
MUTATIONS = {
    "createEstimate": "CreateEstimateInput",
    "addPartToEstimate": "AddPartToEstimateInput",
    "addServiceToEstimate": "AddServiceToEstimateInput",
    "submitEstimate": "EstimateVersionInput",
    "approveEstimate": "ApproveEstimateInput",
}
PARTS = [f"PART-00{n}" for n in range(1, 6)]
SERVICES = ["SVC-001", "SVC-002", "SVC-003"]
SHOP = [
    ('createLocation(input: {locationId: "LOC-001", name: "Main"}) { locationId }', {}),
    *(
        (
            "upsertTaxCode(input: $input) { taxCode }",
            {
                "locationId": "LOC-001",
                "taxCode": code,
                "description": code,
                "rate": rate,
                "applicableItemTypes": types,
            },
        )
        for code, rate, types in (
            ("TAXABLE_GOODS", "0.08", ["PART"]),
            ("LABOR_TAXABLE", "0.06", ["LABOR", "SERVICE"]),
        )
    ),
    *(
        (
            "createPart(input: $input) { productId }",
            {
                "productId": part,
                "sku": f"SKU-{part}",
                "name": f"Part {part}",
                "unitPrice": "19.99",
                "taxCode": "TAXABLE_GOODS",
            },
        )
        for part in PARTS
    ),
    *(
        (
            "createService(input: $input) { serviceId }",
            {
                "serviceId": service,
                "name": f"Service {service}",
                "pricingModel": "TIME_BASED",
                "laborUnits": "1.5",
                "unitRate": "120.00",
                "taxCode": "LABOR_TAXABLE",
                "category": "LABOR",
            },
        )
        for service in SERVICES
    ),
    ("createCustomer(input: $input) { customerId }", {"customerId": "CUST-001", "name": "Fleet"}),
    (
        "createVehicle(input: $input) { vehicleId }",
        {"vehicleId": "VEH-001", "customerId": "CUST-001", "vin": "1HGBH41JXMN109186"},
    ),
    (
        "setApprovalPolicy(input: $input) { policyMode }",
        {
            "locationId": "LOC-001",
            "approvalMethod": "CLICK_CONFIRM",
            "legalTermsText": "Terms",
            "legalTermsVersion": "2024-01-01",
            "expiresInDays": 7,
        },
    ),
]
INPUT_TYPES = {
    "createLocation": None,
    "upsertTaxCode": "UpsertTaxCodeInput",
    "createPart": "CreatePartInput",
    "createService": "CreateServiceInput",
    "createCustomer": "CreateCustomerInput",
    "createVehicle": "CreateVehicleInput",
    "setApprovalPolicy": "SetApprovalPolicyInput",
}


async def call(http: GraphQLClient, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    return next(iter((await http.call(query, variables)).values()))


async def set_up_shop(http: GraphQLClient) -> None:
    for field, fields in SHOP:
        input_type = INPUT_TYPES[field.split("(")[0]]
        header = f"($input: {input_type}!)" if input_type else ""
        await call(http, f"mutation{header} {{ {field} }}", {"input": fields} if fields else {})


async def workflow(http: GraphQLClient, timings: dict[str, list[float]]) -> None:
    async def timed(name: str, **fields: Any) -> dict[str, Any]:
        query = f"mutation($input: {MUTATIONS[name]}!) {{ {name}(input: $input) {ESTIMATE} }}"
        started = time.perf_counter()
        result = await call(http, query, {"input": fields})
        timings[name].append((time.perf_counter() - started) * 1000)
        return result

    estimate = await timed(
        "createEstimate", customerId="CUST-001", vehicleId="VEH-001", locationId="LOC-001"
    )
    key = {"estimateId": estimate["estimateId"]}
    for part in PARTS:
        estimate = await timed(
            "addPartToEstimate", **key, version=estimate["version"], productId=part, quantity="2"
        )
    for service in SERVICES:
        estimate = await timed(
            "addServiceToEstimate", **key, version=estimate["version"], serviceId=service
        )
    estimate = await timed("submitEstimate", **key, version=estimate["version"])
    await timed("approveEstimate", **key, version=estimate["version"])


async def run_clients(clients: list[GraphQLClient], workflows: int) -> dict[str, list[float]]:
    """Each client runs `workflows` workflows back to back, all clients at once."""
    timings: dict[str, list[float]] = defaultdict(list)

    async def client(http: GraphQLClient) -> None:
        for _ in range(workflows):
            await workflow(http, timings)

    await asyncio.gather(*(client(http) for http in clients))
    return timings


async def main(workflows: int) -> None:
    async with running_gateway("bench-estimates-") as services:
        # Connections are opened, and warmed by a workflow each, before anything is timed:
        # a client opened mid-run would stall the load generator's loop under the timer.
        clients = [GraphQLClient(services.server.url, bench_token()) for _ in range(10)]
        try:
            await set_up_shop(clients[0])
            await run_clients(clients, 1)
            await measure(clients, workflows, services.server.process.pid)
        finally:
            for http in clients:
                await http.close()


async def measure(clients: list[GraphQLClient], workflows: int, pid: int) -> None:
    print(f"{'mutation':<22} {'clients':>7} {'p50 ms':>8} {'p99 ms':>8} {'n':>5}")
    for count in (1, 10):
        await asyncio.gather(*(http.connect() for http in clients[:count]))
        gateway_before, machine_before = process_cpu_seconds(pid), machine_busy_seconds()
        client_before = process_cpu_seconds(os.getpid())
        timings = await run_clients(clients[:count], max(1, workflows // count))
        mutations = sum(len(values) for values in timings.values())
        for name in MUTATIONS:
            values = timings[name]
            print(
                f"{name:<22} {count:>7} {percentile(values, 0.5):>8.1f} "
                f"{percentile(values, 0.99):>8.1f} {len(values):>5}"
            )
        gateway_ms = (process_cpu_seconds(pid) - gateway_before) * 1000 / mutations
        machine_ms = (machine_busy_seconds() - machine_before) * 1000 / mutations
        client_ms = (process_cpu_seconds(os.getpid()) - client_before) * 1000 / mutations
        print(
            f"  CPU per mutation at {count} client(s): gateway {gateway_ms:.2f} ms, "
            f"load generator {client_ms:.2f} ms, whole machine {machine_ms:.2f} ms"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--workflows", type=int, default=50, help="workflows per run, shared by the clients"
    )
    uvloop.run(main(parser.parse_args().workflows))
