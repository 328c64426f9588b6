"""The `gateway` command as an operator runs it: a subprocess with settings in its environment."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import jwt
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.identity import Permission
from gateway.embedded.processes import free_port
from gateway.settings import Settings
from persistence.seed_data import load_demo_data
from persistence.seed_data.vin import check_digit
from persistence.tables import (
    approval_policies,
    customers,
    locations,
    naming_series,
    parts,
    services,
    tax_codes,
    vehicles,
)

SECRET = "cli-test-secret-that-is-long-enough-for-hs256-0123456789"


def gateway(*args: str, cwd: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    """Run `gateway ARGS` with only the given settings (no .env file, no inherited ones)."""
    names = {name.upper() for name in Settings.model_fields}
    env = {k: v for k, v in os.environ.items() if k not in names}
    env.update({"DATA_DIR": str(cwd / ".data"), "LOG_LEVEL": "WARNING", **settings})
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_token_carries_the_tenant_user_and_permissions_asked_for(tmp_path: Path) -> None:
    done = gateway(
        *("token", "--tenant", "tenant-042", "--user", "clerk-7", "--ttl", "600"),
        *("--permission", "crm:customer:read", "--permission", "pricing:tax:read"),
        cwd=tmp_path,
        JWT_SECRET=SECRET,
    )

    assert done.returncode == 0, done.stderr
    claims = jwt.decode(done.stdout.strip(), SECRET, algorithms=["HS256"])
    assert claims["tenant_id"] == "tenant-042"
    assert claims["sub"] == "clerk-7"
    assert claims["permissions"] == ["crm:customer:read", "pricing:tax:read"]
    assert 590 <= claims["exp"] - time.time() <= 600


def test_token_without_jwt_secret_is_signed_with_the_dev_secret(tmp_path: Path) -> None:
    done = gateway("token", "--all-permissions", cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    dev_secret = (tmp_path / ".data" / "dev-jwt-secret").read_text().strip()
    claims = jwt.decode(done.stdout.strip(), dev_secret, algorithms=["HS256"])
    assert claims["tenant_id"] == "tenant-001"
    assert set(claims["permissions"]) == Permission.all()


def test_token_without_any_permission_is_refused(tmp_path: Path) -> None:
    done = gateway("token", cwd=tmp_path, JWT_SECRET=SECRET)

    assert done.returncode != 0
    assert "--permission" in done.stderr


def test_schema_prints_the_sdl(tmp_path: Path) -> None:
    done = gateway("schema", cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    assert "type Query {" in done.stdout
    assert "searchCustomers(" in done.stdout


def test_serve_without_database_url_fails_naming_it(tmp_path: Path) -> None:
    done = gateway(
        "serve", cwd=tmp_path, KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:9092", JWT_SECRET=SECRET
    )

    assert done.returncode != 0
    assert "DATABASE_URL" in done.stderr


def test_serve_without_a_token_secret_fails_naming_both_choices(tmp_path: Path) -> None:
    done = gateway(
        "serve",
        cwd=tmp_path,
        DATABASE_URL="postgresql+asyncpg://postgres@127.0.0.1:5432/gateway",
        KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:9092",
    )

    assert done.returncode != 0
    assert "JWT_SECRET" in done.stderr
    assert "JWT_JWKS_URL" in done.stderr


def test_serve_with_an_unreachable_database_fails_fast_naming_it(tmp_path: Path) -> None:
    started = time.monotonic()
    done = gateway(
        "serve",
        cwd=tmp_path,
        DATABASE_URL=f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/gateway",
        KAFKA_BOOTSTRAP_SERVERS=f"127.0.0.1:{free_port()}",
        JWT_SECRET=SECRET,
    )

    assert done.returncode != 0
    assert "DATABASE_URL" in done.stderr
    assert time.monotonic() - started < 30


def test_serve_with_an_unreachable_broker_fails_fast_naming_it(
    tmp_path: Path, database_url: str
) -> None:
    done = gateway(
        "serve",
        cwd=tmp_path,
        DATABASE_URL=database_url,
        KAFKA_BOOTSTRAP_SERVERS=f"127.0.0.1:{free_port()}",
        JWT_SECRET=SECRET,
    )

    assert done.returncode != 0
    assert "KAFKA_BOOTSTRAP_SERVERS" in done.stderr


async def _count(engine: AsyncEngine, table, tenant: str) -> int:  # type: ignore[no-untyped-def]
    async with engine.connect() as connection:
        statement = select(func.count()).select_from(table).where(table.c.tenant_id == tenant)
        return int((await connection.execute(statement)).scalar_one())


async def _rows(engine: AsyncEngine, table, tenant: str, *columns: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    async with engine.connect() as connection:
        selected = [table.c[c] for c in columns]
        statement = select(*selected).where(table.c.tenant_id == tenant).order_by(*selected)
        return [tuple(row) for row in await connection.execute(statement)]


def _seed(tmp_path: Path, database_url: str, tenant: str) -> subprocess.CompletedProcess[str]:
    return gateway(
        *("seed", "--tenant", tenant, "--customers", "40", "--vehicles-per-customer", "2"),
        *("--parts", "120", "--services", "25", "--locations", "2"),
        cwd=tmp_path,
        DATABASE_URL=database_url,
    )


async def test_seed_writes_the_requested_counts_the_same_every_time(
    tmp_path: Path, database_url: str, engine: AsyncEngine
) -> None:
    first, second = f"t-{uuid.uuid4().hex[:10]}", f"t-{uuid.uuid4().hex[:10]}"

    for tenant in (first, second):
        done = _seed(tmp_path, database_url, tenant)
        assert done.returncode == 0, done.stderr

    for table, expected in (
        (customers, 40),
        (vehicles, 80),
        (parts, 120),
        (services, 25),
        (locations, 2),
        (tax_codes, 6),
        (approval_policies, 3),
    ):
        assert await _count(engine, table, first) == expected, table.name
    for table, columns in (
        (customers, ("id", "name", "email", "phone")),
        (vehicles, ("id", "customer_id", "vin", "description")),
        (parts, ("id", "sku", "name", "unit_price")),
    ):
        assert await _rows(engine, table, first, *columns) == await _rows(
            engine, table, second, *columns
        ), f"{table.name} differ between two seeds with the same plan"


async def test_seeded_records_are_valid_and_the_naming_series_move_past_them(
    tmp_path: Path, database_url: str, engine: AsyncEngine
) -> None:
    tenant = f"t-{uuid.uuid4().hex[:10]}"
    assert _seed(tmp_path, database_url, tenant).returncode == 0
    assert _seed(tmp_path, database_url, tenant).returncode == 0, "seeding twice adds records"

    vins = [vin for (vin,) in await _rows(engine, vehicles, tenant, "vin")]
    assert len(vins) == len(set(vins)) == 160
    assert all(len(v) == 17 and not set(v) & set("IOQ") and v[8] == check_digit(v) for v in vins)
    skus = [sku for (sku,) in await _rows(engine, parts, tenant, "sku")]
    assert len(skus) == len(set(skus)) == 240
    emails = [email for (email,) in await _rows(engine, customers, tenant, "email")]
    assert all("@" in email for email in emails)
    series = dict(await _rows(engine, naming_series, tenant, "series", "last_value"))
    assert series == {"CUST": 80, "VEH": 160, "PART": 240, "SVC": 50, "LOC": 4}


async def test_demo_data_loads_once_with_the_seed_records(engine: AsyncEngine) -> None:
    tenant = f"t-{uuid.uuid4().hex[:10]}"

    for expected in (True, False):
        async with engine.begin() as connection:
            assert await load_demo_data(connection, tenant) is expected

    rates = {
        code: (str(rate), types)
        for location, code, rate, types in await _rows(
            engine, tax_codes, tenant, "location_id", "tax_code", "rate", "applicable_item_types"
        )
        if location == "LOC-001"
    }
    assert rates == {
        "TAXABLE_GOODS": ("0.080000", ["PART"]),
        "LABOR_TAXABLE": ("0.060000", ["LABOR", "SERVICE"]),
        "TAX_EXEMPT": ("0.000000", ["PART", "LABOR", "SERVICE", "FEE"]),
    }
    assert ("CUST-001", "John Doe", "john.doe@example.com", "+1-555-123-4567") in await _rows(
        engine, customers, tenant, "id", "name", "email", "phone"
    )
    assert ("VEH-001", "1HGBH41JXMN109186", "CUST-001") in await _rows(
        engine, vehicles, tenant, "id", "vin", "customer_id"
    )
    assert ("PART-001", "BRK-PAD-F", "Front Brake Pad Set") in await _rows(
        engine, parts, tenant, "id", "sku", "name"
    )
    assert await _count(engine, customers, tenant) == 30
    assert await _count(engine, vehicles, tenant) == 40
    assert await _count(engine, parts, tenant) == 60


async def test_demo_approval_policy_of_loc_001_is_the_seeds(engine: AsyncEngine) -> None:
    tenant = f"t-{uuid.uuid4().hex[:10]}"
    async with engine.begin() as connection:
        await load_demo_data(connection, tenant)
    async with engine.connect() as connection:
        policy = (
            (
                await connection.execute(
                    select(approval_policies).where(
                        approval_policies.c.tenant_id == tenant,
                        approval_policies.c.location_id == "LOC-001",
                    )
                )
            )
            .mappings()
            .one()
        )
    assert policy["approval_method"] == "SIGNATURE"
    assert policy["require_signature"] is True
    assert policy["legal_terms_text"].startswith("By signing below, you authorize the work")
    assert policy["legal_terms_version"] == "2024-01-01"
    assert policy["expires_in_days"] == 7


def test_gateway_dev_starts_everything_serves_the_demo_tenant_and_stops_it_all(
    tmp_path: Path,
) -> None:
    """The README's quick start: embedded PostgreSQL and broker, migrations, demo data, a
    token-less request answered as the demo tenant, and Ctrl-C stopping every server."""
    port = free_port()
    names = {name.upper() for name in Settings.model_fields}
    env = {k: v for k, v in os.environ.items() if k not in names}
    env.update({"DATA_DIR": str(tmp_path / ".data"), "PORT": str(port), "LOG_LEVEL": "WARNING"})
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", "dev"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        answer = None
        deadline = time.monotonic() + 90
        while answer is None and time.monotonic() < deadline and process.poll() is None:
            try:
                answer = httpx.post(
                    f"http://127.0.0.1:{port}/graphql",
                    json={"query": "{ searchCustomers(query: null) { totalCount } }"},
                    timeout=5,
                ).json()
            except httpx.TransportError:
                time.sleep(0.5)
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert answer is not None, err
    assert answer["data"]["searchCustomers"]["totalCount"] > 0, answer
    assert "Gateway ready" in out
    assert "Starting embedded PostgreSQL on 127.0.0.1:" in err
    assert "Starting embedded Kafka broker on 127.0.0.1:" in err
    assert "Stopped the embedded Kafka broker" in err
    assert "Stopped the embedded PostgreSQL" in err
    assert process.returncode == 130, "Ctrl-C ends the command with 130, as shells expect"
