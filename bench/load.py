"""Load generator for a running gateway: requests/s, p50 and p99 per operation and concurrency.

Each operation runs at each concurrency for a bounded number of requests and a bounded
time, over loopback only (it is a benchmark of this machine's gateway, not a load test
of someone else's). A response with GraphQL errors is counted as failed, left out of the
latencies and its errors are printed: timing error responses measures nothing.

    python bench/load.py --token "$(gateway token --all-permissions)"
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import os
import socket
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

OPERATIONS: dict[str, str] = {
    "searchCustomers": """{ searchCustomers(pageSize: 50) {
        items { customerId name email vehicles { vehicleId vin } } } }""",
    "searchParts": """{ searchParts(query: "brake", pageSize: 20) {
        items { productId sku name unitPrice } totalCount } }""",
    "calculateTax": """{ calculateTax(input: {locationId: "LOC-001", items: [
        {itemId: "EST-ITEM-001", itemType: PART, subtotal: "89.99", taxCode: "TAXABLE_GOODS"},
        {itemId: "EST-ITEM-002", itemType: LABOR, subtotal: "60.00", taxCode: "LABOR_TAXABLE"}
      ]}) { items { itemId taxAmount lineTotal } subtotal totalTax grandTotal currencyUomId } }""",
}


@dataclass
class Run:
    """What one operation at one concurrency produced."""

    operation: str
    clients: int
    latencies: list[float] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies) + sum(self.failures.values())

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000

    def line(self) -> str:
        rate = len(self.latencies) / self.seconds if self.seconds else 0.0
        timing = (
            f"{rate:9.1f} {self.percentile(0.50):9.1f} {self.percentile(0.99):9.1f}"
            if self.latencies
            else f"{'-':>9} {'-':>9} {'-':>9}"
        )
        errors = sum(self.failures.values())
        text = f"{self.operation:<16} {self.clients:>7} {self.requests:>8} {errors:>7} {timing}"
        for reason, count in self.failures.most_common(3):
            text += f"\n    FAILED x{count}: {reason}"
        return text


def failure(response: httpx.Response) -> str | None:
    """Why a response does not count as a success, or None if it does."""
    if response.status_code != 200:
        return f"HTTP {response.status_code}: {response.text[:200]}"
    errors = response.json().get("errors")
    if not errors:
        return None
    first = errors[0]
    code = (first.get("extensions") or {}).get("code", "NO_CODE")
    return f"{code}: {first.get('message', '')[:200]}"


async def measure(
    client: httpx.AsyncClient,
    url: str,
    operation: str,
    clients: int,
    requests: int,
    duration: float,
) -> Run:
    run = Run(operation, clients)
    body = {"query": OPERATIONS[operation]}
    remaining = requests
    deadline = time.monotonic() + duration

    async def client_loop() -> None:
        nonlocal remaining
        while remaining > 0 and time.monotonic() < deadline:
            remaining -= 1
            sent = time.perf_counter()
            try:
                response = await client.post(url, json=body)
                reason = failure(response)
            except httpx.HTTPError as error:
                reason = f"{type(error).__name__}: {error}"
            if reason is None:
                run.latencies.append(time.perf_counter() - sent)
            else:
                run.failures[reason] += 1

    started = time.perf_counter()
    await asyncio.gather(*(client_loop() for _ in range(clients)))
    run.seconds = time.perf_counter() - started
    return run


def loopback_only(url: str) -> None:
    host = urlsplit(url).hostname or ""
    addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    if not all(ipaddress.ip_address(a).is_loopback for a in addresses):
        raise SystemExit(f"{url} is not a loopback address; this benchmark runs locally only")


async def main(args: argparse.Namespace) -> int:
    loopback_only(args.url)
    headers = {"Authorization": f"Bearer {args.token}"} if args.token else {}
    limits = httpx.Limits(max_connections=max(args.clients), max_keepalive_connections=None)
    print(
        f"{'operation':<16} {'clients':>7} {'requests':>8} {'errors':>7} "
        f"{'req/s':>9} {'p50 ms':>9} {'p99 ms':>9}"
    )
    failed = False
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=30) as client:
        for operation in args.operations:
            await measure(client, args.url, operation, 1, args.warmup, args.duration)
            for clients in args.clients:
                run = await measure(
                    client, args.url, operation, clients, args.requests, args.duration
                )
                print(run.line(), flush=True)
                failed = failed or bool(run.failures)
    return 1 if failed else 0


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--url",
        default=os.environ.get("GATEWAY_URL", "http://127.0.0.1:8000/graphql"),
        help="GraphQL endpoint (env GATEWAY_URL; loopback only)",
    )
    parser.add_argument(
        "--token", default=os.environ.get("GATEWAY_TOKEN"), help="bearer token (env GATEWAY_TOKEN)"
    )
    parser.add_argument(
        "--clients", type=int, nargs="+", default=[1, 10, 50], help="concurrencies to run"
    )
    parser.add_argument(
        "--operations", nargs="+", choices=list(OPERATIONS), default=list(OPERATIONS)
    )
    parser.add_argument("--requests", type=int, default=2000, help="at most, per run")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds at most, per run")
    parser.add_argument("--warmup", type=int, default=20, help="requests before each operation")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(arguments())))
