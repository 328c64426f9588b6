"""The `gateway` command: run the server (dev or production) and the chores around it.

`gateway dev` starts what is not configured (embedded PostgreSQL kept in the data
folder, embedded Tansu broker), migrates, loads the demo tenant once and serves with
anonymous access. `gateway serve` uses external services only, checks that each is
reachable before it listens, and never migrates unless told to (`--migrate`).
Every server this command starts is stopped when it ends, however it ends.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import shlex
import signal
import socket
import sys
import time
from collections.abc import Callable, Coroutine, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any, NoReturn

import uvicorn
import uvloop
import yaml

from domain.identity import Permission
from gateway.app import create_app
from gateway.auth import issue_token, signing_secret
from gateway.embedded.broker import EmbeddedBroker
from gateway.embedded.postgres import EmbeddedPostgres
from gateway.logging import configure_logging
from gateway.preflight import SettingProblem, check_broker, check_database
from gateway.response_writes import OneWriteResponses
from gateway.settings import Settings
from persistence.database import create_engine
from persistence.driver import standalone
from persistence.migrate import new_revision, upgrade, upgrade_async
from persistence.repositories.inventory.consistency import stock_inconsistencies
from persistence.seed_data import VolumePlan, load_demo_data, seed_volume
from schema.root import build_schema
from subscriptions.asyncapi import document as asyncapi_document

DEV_TOKEN_TTL = 8 * 3600
EXAMPLE_QUERY = '{"query": "{ searchCustomers(query: \\"doe\\") { items { customerId name } } }"}'


GC_THRESHOLDS = (700, 10, 100)


def run_server(main: Coroutine[Any, Any, None]) -> None:
    """Run a server on uvloop, with the collector tuned for a long-lived async server.

    Everything loaded at start-up is frozen out of the collector's scans: with a
    thousand subscriptions open, full collections of that heap stalled the event loop
    for hundreds of milliseconds mid fan-out (p99 event latency at 1,000 subscribers
    649 ms before, 158 ms after). Young collections keep Python's default size: a young
    generation of 50,000 objects, tried first, paused every request in flight for
    25-60 ms per collection (the estimate workflow's p99), where 700 pauses well under
    a millisecond; full collections run a tenth as often as by default.
    """
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(main)


def _stop_on_sigterm() -> None:
    """Turn SIGTERM into an exception, so `finally` blocks stop the embedded servers."""

    def stop(signum: int, frame: Any) -> NoReturn:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)


@contextmanager
def database(settings: Settings, *, migrate_external: bool = False) -> Iterator[str]:
    """DATABASE_URL as given, or the embedded dev database, started, migrated and then
    stopped on leaving. An external database is migrated only when asked to."""
    if settings.database_url:
        if migrate_external:
            upgrade(settings.database_url)
        yield settings.database_url
        return
    postgres = EmbeddedPostgres(settings.data_dir / "postgres", durable=True)
    print(
        f"Starting embedded PostgreSQL on 127.0.0.1:{postgres.port} (data in "
        f"{postgres.data_dir}) and migrating it",
        file=sys.stderr,
    )
    try:
        upgrade(postgres.start())
        yield postgres.url
    finally:
        postgres.stop()
        print("Stopped the embedded PostgreSQL", file=sys.stderr)


@contextmanager
def broker(settings: Settings) -> Iterator[str]:
    """KAFKA_BOOTSTRAP_SERVERS as given, or an embedded broker that stops on leaving."""
    if settings.kafka_bootstrap_servers:
        yield settings.kafka_bootstrap_servers
        return
    embedded = EmbeddedBroker(settings.data_dir)
    print(
        f"Starting embedded Kafka broker on {embedded.bootstrap_servers} (log in "
        f"{embedded.log}); the gateway then joins its consumer groups, a few seconds",
        file=sys.stderr,
    )
    try:
        yield embedded.start()
    finally:
        embedded.stop()
        print("Stopped the embedded Kafka broker", file=sys.stderr)


class _Server(uvicorn.Server):
    """uvicorn's server that says when it listens, so the welcome is never printed early."""

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[], None]):
        super().__init__(config)
        self._on_ready = on_ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self._on_ready()


async def _serve(app_settings: Settings, access_log: bool, on_ready: Callable[[], None]) -> None:
    """Run uvicorn in this loop; it exits the process non-zero if it cannot start."""
    config = uvicorn.Config(
        create_app(app_settings),
        host=app_settings.host,
        port=app_settings.port,
        log_config=None,
        access_log=access_log,
        lifespan="on",
        ws_per_message_deflate=app_settings.ws_per_message_deflate,
        timeout_keep_alive=app_settings.http_keep_alive_seconds,
        http=OneWriteResponses,
    )
    await _Server(config, on_ready).serve()


def dev(settings: Settings, args: argparse.Namespace) -> int:
    _stop_on_sigterm()
    started = time.monotonic()
    with ExitStack() as services:
        url = services.enter_context(database(settings, migrate_external=True))
        kafka = services.enter_context(broker(settings))
        settings = settings.model_copy(
            update={
                "database_url": url,
                "kafka_bootstrap_servers": kafka,
                "allow_anonymous": True,
                "graphiql": True if settings.graphiql is None else settings.graphiql,
                "introspection": settings.introspection or "on",
            }
        )
        run_server(_dev(settings, started))
    return 0


async def _dev(settings: Settings, started: float) -> None:
    assert settings.database_url
    engine = create_engine(settings.database_url, pool_size=1, max_overflow=0)
    try:
        async with engine.begin() as connection:
            if await load_demo_data(connection, settings.dev_tenant):
                print(f"Loaded the demo data into tenant {settings.dev_tenant}", file=sys.stderr)
    finally:
        await engine.dispose()
    await _serve(settings, True, lambda: _print_welcome(settings, time.monotonic() - started))


def _print_welcome(settings: Settings, seconds: float) -> None:
    url = f"http://{settings.host}:{settings.port}/graphql"
    token = issue_token(
        signing_secret(settings, create=True) or "",
        tenant=settings.dev_tenant,
        user="dev",
        permissions=Permission.all(),
        ttl_seconds=DEV_TOKEN_TTL,
    )
    curl = shlex.join(
        [
            *("curl", "-s", url, "-H", f"Authorization: Bearer {token}"),
            *("-H", "Content-Type: application/json", "-d", EXAMPLE_QUERY),
        ]
    )
    print(
        f"\nGateway ready in {seconds:.1f}s: {url} (GraphiQL in a browser; requests without a"
        f" token act as tenant {settings.dev_tenant})\n"
        f"Dev token (tenant {settings.dev_tenant}, all permissions, valid 8 h):\n{token}\n"
        f"Try:\n{curl}\nCtrl-C stops the gateway and its embedded servers.\n",
        flush=True,
    )


def serve(settings: Settings, args: argparse.Namespace) -> int:
    for name, value in (
        ("DATABASE_URL", settings.database_url),
        ("KAFKA_BOOTSTRAP_SERVERS", settings.kafka_bootstrap_servers),
    ):
        if not value:
            raise SettingProblem(f"{name} is not set; `gateway serve` uses external services only")
    if not settings.jwt_secret and not settings.jwt_jwks_url:
        raise SettingProblem("set JWT_SECRET or JWT_JWKS_URL so tokens can be verified")
    if settings.allow_anonymous:
        raise SettingProblem("ALLOW_ANONYMOUS is for `gateway dev` only; unset it")
    _stop_on_sigterm()
    run_server(_serve_production(settings, args.migrate, not args.no_access_log))
    return 0


async def _serve_production(settings: Settings, migrate: bool, access_log: bool) -> None:
    assert settings.database_url and settings.kafka_bootstrap_servers
    if migrate:
        await upgrade_async(settings.database_url)
    await check_database(settings.database_url)
    await check_broker(settings)
    await _serve(settings, access_log, lambda: None)


def migrate(settings: Settings, args: argparse.Namespace) -> int:
    with database(settings, migrate_external=True):
        print("The database carries every migration.", file=sys.stderr)
    return 0


def revision(settings: Settings, args: argparse.Namespace) -> int:
    with database(settings) as url:
        new_revision(url, args.message)
    return 0


def token(settings: Settings, args: argparse.Namespace) -> int:
    permissions = set(args.permission or [])
    if args.all_permissions:
        permissions |= Permission.all()
    if not permissions:
        raise SettingProblem("give --permission P (repeatable) or --all-permissions")
    secret = signing_secret(settings, create=True)
    assert secret
    print(
        issue_token(
            secret,
            tenant=args.tenant or settings.dev_tenant,
            user=args.user,
            permissions=permissions,
            ttl_seconds=args.ttl,
        )
    )
    return 0


def schema(settings: Settings, args: argparse.Namespace) -> int:
    print(build_schema())
    return 0


class _PlainYaml(yaml.SafeDumper):
    """Every repeated schema written out again, not as `&id001` anchors and aliases,
    which many AsyncAPI tools and most readers do not follow."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def asyncapi(settings: Settings, args: argparse.Namespace) -> int:
    document = asyncapi_document()
    if args.format == "json":
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        print(
            yaml.dump(document, Dumper=_PlainYaml, sort_keys=False, allow_unicode=True, width=100),
            end="",
        )
    return 0


def seed(settings: Settings, args: argparse.Namespace) -> int:
    plan = VolumePlan(
        customers=args.customers,
        vehicles_per_customer=args.vehicles_per_customer,
        parts=args.parts,
        services=args.services,
        locations=args.locations,
        random_seed=args.random_seed,
    )
    tenant = args.tenant or settings.dev_tenant
    with database(settings) as url:
        asyncio.run(_seed(url, tenant, plan))
    return 0


async def _seed(url: str, tenant: str, plan: VolumePlan) -> None:
    await check_database(url)
    started = time.monotonic()
    engine = create_engine(url, pool_size=1, max_overflow=0)
    try:
        async with engine.begin() as connection:
            report = await seed_volume(connection, tenant, plan)
    finally:
        await engine.dispose()
    written = ", ".join(f"{count} {kind}" for kind, count in report.written.items())
    print(f"Seeded tenant {tenant} in {time.monotonic() - started:.1f}s: {written}")
    for kind, first in report.first_ids.items():
        print(f"  {kind} start at {first}")


def check_inventory(settings: Settings, args: argparse.Namespace) -> int:
    with database(settings) as url:
        return asyncio.run(_check_inventory(url, args.tenant))


async def _check_inventory(url: str, tenant: str | None) -> int:
    """Print each stock level that disagrees with its ledger or its reservations; 1 if
    any, else 0."""
    engine = create_engine(url, pool_size=1, max_overflow=0)
    try:
        async with standalone(engine) as driver:
            found = await stock_inconsistencies(driver, tenant)
    finally:
        await engine.dispose()
    for inconsistency in found:
        print(inconsistency.describe())
    print(f"{len(found)} inconsistent stock levels", file=sys.stderr)
    return 1 if found else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gateway", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="name", required=True, metavar="COMMAND")

    def command(name: str, run: Callable[..., int], help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.set_defaults(run=run)
        return sub

    for name, run, help in (
        ("dev", dev, "serve for development, starting embedded PostgreSQL and Kafka as needed"),
        ("serve", serve, "serve in production against DATABASE_URL and KAFKA_BOOTSTRAP_SERVERS"),
    ):
        sub = command(name, run, help)
        sub.add_argument("--host", help="listen address (default: HOST, 127.0.0.1)")
        sub.add_argument("--port", type=int, help="listen port (default: PORT, 8000)")
    serving = commands.choices["serve"]
    serving.add_argument("--migrate", action="store_true", help="apply migrations first")
    serving.add_argument("--no-access-log", action="store_true", help="no line per request")
    command("migrate", migrate, "apply every migration (DATABASE_URL, else the embedded one)")
    rev = command("revision", revision, "autogenerate a migration from the declared tables")
    rev.add_argument("-m", "--message", required=True, help="what the migration does")
    tok = command("token", token, "print a signed dev token (JWT_SECRET or the dev secret)")
    tok.add_argument("--tenant", help="tenant_id claim (default: DEV_TENANT)")
    tok.add_argument("--user", default="dev", help="sub claim (default: dev)")
    tok.add_argument("--permission", action="append", help="a permission; repeat for more")
    tok.add_argument("--all-permissions", action="store_true", help="every known permission")
    tok.add_argument("--ttl", type=int, default=DEV_TOKEN_TTL, help="lifetime in seconds")
    command("schema", schema, "print the GraphQL schema (SDL)")
    events = command(
        "asyncapi",
        asyncapi,
        "print the AsyncAPI 3.0 document of every Kafka topic the gateway publishes and consumes",
    )
    events.add_argument(
        "--format", choices=("yaml", "json"), default="yaml", help="(default: yaml)"
    )
    volume = command("seed", seed, "write a deterministic benchmark volume into one tenant")
    for flag, default, help in (
        ("--customers", 1000, "customers to add"),
        ("--vehicles-per-customer", 2, "vehicles each new customer owns"),
        ("--parts", 10000, "parts to add"),
        ("--services", 200, "services to add"),
        ("--locations", 3, "locations to add, each with the three tax codes and a policy"),
        ("--random-seed", 1, "the same seed and counts give the same records"),
    ):
        volume.add_argument(flag, type=int, default=default, help=f"{help} (default: {default})")
    volume.add_argument("--tenant", help="tenant to seed (default: DEV_TENANT)")
    checker = command(
        "check-inventory",
        check_inventory,
        "verify on-hand = sum of movements, reserved = sum of active reservations and "
        "0 <= reserved <= on-hand for every SKU and location; exit 1 if any level disagrees",
    )
    checker.add_argument("--tenant", help="check one tenant only (default: every tenant)")
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    overrides = {k: getattr(args, k) for k in ("host", "port") if getattr(args, k, None)}
    settings = Settings().model_copy(update=overrides)
    configure_logging(settings.log_level, settings.log_json)
    try:
        code = args.run(settings, args)
    except SettingProblem as problem:
        print(f"gateway {args.name}: {problem}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        code = 130
    sys.exit(code)


if __name__ == "__main__":
    main()
