"""What tracing costs: the estimate workflow and a 50-row read with it off, on, and exporting.

Self-contained and repeatable, like bench/estimates.py: the embedded PostgreSQL and broker
in a temporary folder, `gateway serve` as a process of its own, loopback HTTP. One shop
(bench/estimates.py's, plus 50 customers with a vehicle each) serves every round; each
round starts a gateway in one mode, warms it, then times

- `workflow`: whole estimate workflows (create, 5 parts, 3 services, submit, approve:
  11 mutations each, every one writing events) by 10 clients at once, and
- `read50`: `searchCustomers(pageSize: 50)` with each customer's vehicles, 10 clients.

Modes: `off` (TRACING_ENABLED=false, the default), `on` (spans recorded, no exporter:
trace ids in logs and responses only), `export` (every trace batched to an OTLP/HTTP
collector: a sink in this process that answers 200 and counts what it got),
`unsampled` (the same, with a sampler that keeps none: what each request pays for
tracing being on) and `sampled` (OpenTelemetry's standard sampler variables keeping one
trace in ten). The rounds run in turn (off, on, ..., sampled, then sampled, ..., on, off,
...) so a drift of the shared machine falls on every mode. Per mode: requests a second,
the gateway process's CPU per request (the steadier figure on a machine other work
shares; less what its background polls use by the second, measured idle just before),
and "vs off": the median over rounds of its CPU per request against `off`'s in the same
round.

    .venv/bin/python -m bench.tracing    # about 3 minutes on 2 cores
    .venv/bin/python -m bench.tracing --modes off,sampled --rounds 4   # the two compared
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import threading
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import uvloop

from bench.estimates import run_clients, set_up_shop
from bench.harness import (
    GraphQLClient,
    Server,
    bench_token,
    process_cpu_seconds,
    running_gateway,
)
from gateway.embedded.processes import free_port

CLIENTS = 10
READ_50 = """{ searchCustomers(pageSize: 50) {
    items { customerId name email vehicles { vehicleId vin } } } }"""
CUSTOMER = "mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customerId } }"
VEHICLE = "mutation($input: CreateVehicleInput!) { createVehicle(input: $input) { vehicleId } }"


class _Sink(BaseHTTPRequestHandler):
    """An OTLP/HTTP collector that keeps nothing: 200 for every export, and a count."""

    received = 0
    exports = 0

    def do_POST(self) -> None:
        size = int(self.headers.get("content-length", "0"))
        self.rfile.read(size)
        _Sink.received += size
        _Sink.exports += 1
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return None


@contextmanager
def otlp_sink() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Sink)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


async def add_customers(http: GraphQLClient) -> None:
    for n in range(1, 51):
        customer = f"CUST-R{n:03d}"
        await http.call(CUSTOMER, {"input": {"customerId": customer, "name": f"Reader {n:03d}"}})
        vin = f"1HGBH41JXMN{n:06d}"
        await http.call(
            VEHICLE, {"input": {"vehicleId": f"VEH-R{n:03d}", "customerId": customer, "vin": vin}}
        )


async def reads(clients: list[GraphQLClient], each: int) -> int:
    async def client(http: GraphQLClient) -> None:
        for _ in range(each):
            await http.call(READ_50)

    await asyncio.gather(*(client(http) for http in clients))
    return each * len(clients)


async def workflows(clients: list[GraphQLClient], each: int) -> int:
    timings = await run_clients(clients, each)
    return sum(len(values) for values in timings.values())


async def idle_cpu(pid: int, seconds: float = 3) -> float:
    """The gateway's CPU seconds a second with no request: its consumers', relay's and
    monitors' polls, which run by the clock, not by the request."""
    await asyncio.sleep(1)  # what the last load left to publish and consume
    cpu = process_cpu_seconds(pid)
    await asyncio.sleep(seconds)
    return (process_cpu_seconds(pid) - cpu) / seconds


async def timed(pid: int, load: Callable[[], Awaitable[int]]) -> tuple[float, float]:
    """Requests a second, and the gateway's CPU milliseconds per request of `load`, less
    what its background polls used meanwhile: on a busy machine the same requests take
    longer, and those polls, paid by the second, would otherwise count against them."""
    idle = await idle_cpu(pid)
    cpu, started = process_cpu_seconds(pid), time.perf_counter()
    requests = await load()
    seconds = time.perf_counter() - started
    cpu_ms = (process_cpu_seconds(pid) - cpu - idle * seconds) * 1000
    return requests / seconds, cpu_ms / requests


async def round_of(
    server: Server, workflows_each: int, reads_each: int
) -> dict[str, tuple[float, float]]:
    clients = [GraphQLClient(server.url, bench_token()) for _ in range(CLIENTS)]
    try:
        await asyncio.gather(*(http.connect() for http in clients))
        await workflows(clients, 1)
        await reads(clients, 5)
        pid = server.process.pid
        return {
            "workflow": await timed(pid, lambda: workflows(clients, workflows_each)),
            "read50": await timed(pid, lambda: reads(clients, reads_each)),
        }
    finally:
        for http in clients:
            await http.close()


async def main(workflows_each: int, reads_each: int, rounds: int, only: list[str]) -> None:
    results: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    with otlp_sink() as collector:
        modes = {
            "off": {"TRACING_ENABLED": "false"},
            "on": {"TRACING_ENABLED": "true"},
            "export": {"TRACING_ENABLED": "true", "OTEL_EXPORTER_OTLP_ENDPOINT": collector},
            "unsampled": {
                "TRACING_ENABLED": "true",
                "OTEL_EXPORTER_OTLP_ENDPOINT": collector,
                "OTEL_TRACES_SAMPLER": "parentbased_always_off",
            },
            "sampled": {
                "TRACING_ENABLED": "true",
                "OTEL_EXPORTER_OTLP_ENDPOINT": collector,
                "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
                "OTEL_TRACES_SAMPLER_ARG": "0.1",
            },
        }
        modes = {mode: env for mode, env in modes.items() if not only or mode in only}
        async with running_gateway("bench-tracing-", {"TRACING_ENABLED": "false"}) as services:
            setup = GraphQLClient(services.server.url, bench_token())
            try:
                await set_up_shop(setup)
                await add_customers(setup)
            finally:
                await setup.close()
            services.server.stop()
            for n in range(rounds):
                # Every other round in reverse, so no mode always follows another (each
                # round's workflows grow the tables the next gateway reads).
                for mode, env in list(modes.items())[:: -1 if n % 2 else 1]:
                    server = Server(
                        services.database_url,
                        services.bootstrap,
                        services.folder / f"gateway-{mode}-{n}.log",
                        env,
                    )
                    try:
                        await server.ready()
                        measured = await round_of(server, workflows_each, reads_each)
                    finally:
                        server.stop()
                    for load, figures in measured.items():
                        results[(load, mode)].append(figures)
    print(f"{'load':<9} {'tracing':<7} {'req/s':>8} {'CPU ms/req':>11} {'vs off':>7}  (each round)")
    for (load, mode), figures in sorted(results.items()):
        rates = " ".join(f"{rate:.0f}" for rate, _ in figures)
        cpus = " ".join(f"{cpu:.2f}" for _, cpu in figures)
        best_rate = max(rate for rate, _ in figures)
        best_cpu = min(cpu for _, cpu in figures)
        print(
            f"{load:<9} {mode:<7} {best_rate:>8.0f} {best_cpu:>11.2f} "
            f"{_against_off(figures, results.get((load, 'off'))):>7}  ({rates} | {cpus})"
        )
    print(f"collector got {_Sink.exports} exports, {_Sink.received / 1e6:.1f} MB")
    print(f"(pid {os.getpid()}; {CLIENTS} clients; best of {rounds} rounds per figure)")


def _against_off(figures: list[tuple[float, float]], off: list[tuple[float, float]] | None) -> str:
    """The median, over rounds, of this mode's CPU per request over `off`'s in the same
    round: the rounds run in turn, so each pair saw about the same machine."""
    if not off:
        return ""
    ratios = [cpu / off_cpu for (_, cpu), (_, off_cpu) in zip(figures, off, strict=True)]
    return f"{statistics.median(ratios) - 1:+.1%}"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workflows", type=int, default=10, help="workflows per client a round")
    parser.add_argument("--reads", type=int, default=100, help="50-row reads per client a round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--modes", default="", help="comma-separated modes to run (off,on,export,sampled); all"
    )
    args = parser.parse_args()
    only = [mode for mode in args.modes.split(",") if mode]
    uvloop.run(main(args.workflows, args.reads, args.rounds, only))
