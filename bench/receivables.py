"""Accounts receivable benchmark: AR aging, payments with 10 allocations, a bank statement.

Self-contained and repeatable: starts the embedded PostgreSQL and broker and a
`gateway serve` process (bench/harness.py), bulk-loads with SQL one tenant's 10,000
customers, 200,000 posted invoices (20 per customer, posted over the last 180 days,
NET30) and 150,000 payments (payment n pays invoice n: in full, or half of it for every
third), with their allocations and journal lines, so the ledger is the one the API would
have written (the load switches the journal's triggers off for its own transaction only:
every loaded entry balances by construction, and the balances per document are summed
in one statement, as migration 0027 fills them). Then, from 1 and 10
concurrent clients (`--clients`; the targets are for 10):

- `arAging` as of today, the total only (target p99 under 150 ms), and with every
  customer's row (10,000 rows a response; from 1 client only: at 10 the database's
  unit timeout ends them on 2 shared cores);
- `recordPayment` of 0.10 with 10 named allocations of 0.01 to a customer's open
  invoices; target p99 under 50 ms;

and a 1,000-line `BankStatementImportedEvent` sent to the broker, timed from the send
until its 1,000 payments are committed (half the lines name an open invoice, half are
matched oldest due first); target under 5 s.

Each line prints p50, p99 and the CPU per request of the gateway process and of the
whole machine (PostgreSQL and the load generator included).

    .venv/bin/python -m bench.receivables                     # a few minutes on 2 cores
    .venv/bin/python -m bench.receivables --customers 1000 --invoices 20000 --payments 15000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
import uuid
from datetime import UTC, datetime
from itertools import product
from typing import Any

import uvloop
from aiokafka import AIOKafkaProducer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.harness import (
    TENANT,
    GraphQLClient,
    Request,
    bench_token,
    measure,
    percentile,
    process_cpu_seconds,
    running_gateway,
)
from persistence.database import create_engine

# invoice g (1..invoices) bills customer g % customers + 1, (g % 50 + 1) x 20.00, posted
# g % 180 days ago; payment g (1..payments) pays invoice g five days later (today at the
# latest), half of it when g % 3 = 0.
INVOICE_TOTAL = "((g % 50 + 1) * 20.00)"
PAID = f"(CASE WHEN g % 3 = 0 THEN {INVOICE_TOTAL} / 2 ELSE {INVOICE_TOTAL} END)"
POSTED_ON = "(current_date - (g % 180))"
PAID_ON = f"least({POSTED_ON} + 5, current_date)"
LOAD = [
    "INSERT INTO locations (tenant_id, id, name) VALUES (:tenant, 'LOC-1', 'Shop')",
    "INSERT INTO customers (tenant_id, id, name, billing_terms_id) "
    "SELECT :tenant, 'C-' || lpad(c::text, 5, '0'), 'Customer ' || c, 'NET30' "
    "FROM generate_series(1, :customers) c",
    "INSERT INTO invoices (tenant_id, id, customer_id, location_id, currency, "
    "billing_terms_id, status, number, posting_date, due_date, subtotal, tax_total, total, "
    "open_balance, created_by, posted_at, posted_by) "
    "SELECT :tenant, 'INVC-' || lpad(g::text, 6, '0'), "
    "'C-' || lpad((g % :customers + 1)::text, 5, '0'), 'LOC-1', 'USD', 'NET30', "
    f"CASE WHEN g > :payments THEN 'POSTED' WHEN g % 3 = 0 THEN 'PARTIALLY_PAID' ELSE 'PAID' END, "
    "'INV-2026-' || lpad(g::text, 6, '0'), "
    f"{POSTED_ON}, {POSTED_ON} + 30, {INVOICE_TOTAL}, 0, {INVOICE_TOTAL}, "
    f"CASE WHEN g > :payments THEN {INVOICE_TOTAL} ELSE {INVOICE_TOTAL} - {PAID} END, "
    "'bench', now(), 'bench' FROM generate_series(1, :invoices) g",
    "INSERT INTO invoice_lines (tenant_id, invoice_id, line_no, description, item_type, "
    "quantity, unit_price, discount, tax_code, net_amount, tax_amount) "
    "SELECT :tenant, 'INVC-' || lpad(g::text, 6, '0'), 1, 'Service', 'LABOR', 1, "
    f"{INVOICE_TOTAL}, 0, 'NONE', {INVOICE_TOTAL}, 0 FROM generate_series(1, :invoices) g",
    "INSERT INTO payments (tenant_id, id, customer_id, number, method, payment_date, "
    "bank_reference, amount, currency, unapplied, status, received_at, received_by) "
    "SELECT :tenant, 'PAY-' || lpad(g::text, 6, '0'), "
    "'C-' || lpad((g % :customers + 1)::text, 5, '0'), 'PMT-2026-' || lpad(g::text, 6, '0'), "
    f"'ACH', {PAID_ON}, 'ACH-' || g, {PAID}, 'USD', 0, 'RECEIVED', now(), 'bench' "
    "FROM generate_series(1, :payments) g",
    "INSERT INTO payment_allocations (tenant_id, payment_id, line_no, invoice_id, amount, "
    "applied_on, entry_id) SELECT :tenant, 'PAY-' || lpad(g::text, 6, '0'), 1, "
    f"'INVC-' || lpad(g::text, 6, '0'), {PAID}, {PAID_ON}, "
    "'PAY-' || lpad(g::text, 6, '0') || '-RECEIVED' FROM generate_series(1, :payments) g",
    "ALTER TABLE journal_lines DISABLE TRIGGER journal_entry_balanced",
    "ALTER TABLE journal_lines DISABLE TRIGGER journal_balances_add",
    "INSERT INTO journal_lines (tenant_id, entry_id, line_no, posted_on, memo, customer_id, "
    "invoice_id, account, account_name, debit, credit) "
    "SELECT :tenant, 'INVC-' || lpad(g::text, 6, '0') || '-POST', line, "
    f"{POSTED_ON}, 'Invoice', 'C-' || lpad((g % :customers + 1)::text, 5, '0'), "
    "'INVC-' || lpad(g::text, 6, '0'), "
    "CASE line WHEN 1 THEN '1200' ELSE '4000' END, "
    "CASE line WHEN 1 THEN 'Accounts Receivable' ELSE 'Revenue' END, "
    f"CASE line WHEN 1 THEN {INVOICE_TOTAL} ELSE 0 END, "
    f"CASE line WHEN 2 THEN {INVOICE_TOTAL} ELSE 0 END "
    "FROM generate_series(1, :invoices) g, generate_series(1, 2) line",
    "INSERT INTO journal_lines (tenant_id, entry_id, line_no, posted_on, memo, customer_id, "
    "invoice_id, account, account_name, debit, credit) "
    "SELECT :tenant, 'PAY-' || lpad(g::text, 6, '0') || '-RECEIVED', line, "
    f"{PAID_ON}, 'Payment', 'C-' || lpad((g % :customers + 1)::text, 5, '0'), "
    "CASE line WHEN 2 THEN 'INVC-' || lpad(g::text, 6, '0') END, "
    "CASE line WHEN 1 THEN '1000' ELSE '1200' END, "
    "CASE line WHEN 1 THEN 'Cash/Bank' ELSE 'Accounts Receivable' END, "
    f"CASE line WHEN 1 THEN {PAID} ELSE 0 END, CASE line WHEN 2 THEN {PAID} ELSE 0 END "
    "FROM generate_series(1, :payments) g, generate_series(1, 2) line",
    "ALTER TABLE journal_lines ENABLE TRIGGER journal_entry_balanced",
    "ALTER TABLE journal_lines ENABLE TRIGGER journal_balances_add",
    # what the trigger would have added, line by line (migration 0027's backfill)
    "INSERT INTO journal_balances (tenant_id, account, customer_id, document, due_date, "
    "balance) SELECT j.tenant_id, j.account, j.customer_id, coalesce(j.invoice_id, ''), "
    "min(i.due_date), sum(j.debit - j.credit) FROM journal_lines j LEFT JOIN invoices i "
    "ON i.tenant_id = j.tenant_id AND i.id = j.invoice_id WHERE j.tenant_id = :tenant "
    "GROUP BY j.tenant_id, j.account, j.customer_id, coalesce(j.invoice_id, '')",
    "INSERT INTO naming_series (tenant_id, series, last_value) VALUES (:tenant, 'PAY', :payments)",
]
AGING_TOTAL = """query { arAging { total { current days1To30 days31To60 days61To90
  over90Days unapplied total } } }"""
AGING_ALL = """query { arAging { customers { customerId current days1To30 days31To60
  days61To90 over90Days unapplied total } total { total } } }"""
RECORD = """mutation($input: RecordPaymentInput!) {
  recordPayment(input: $input) { paymentId unappliedAmount allocations { invoiceId } } }"""
STATEMENT_TOPIC = "treasury.bank.statement.imported"
EVERY_CUSTOMER = "arAging: every customer"


async def load(engine: AsyncEngine, customers: int, invoices: int, payments: int) -> float:
    started = time.perf_counter()
    params = {
        "tenant": TENANT,
        "customers": customers,
        "invoices": invoices,
        "payments": payments,
    }
    async with engine.begin() as connection:
        for statement in LOAD:
            await connection.execute(text(statement), params)
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(
            text(
                "VACUUM ANALYZE customers, invoices, invoice_lines, payments, "
                "payment_allocations, journal_lines, journal_balances"
            )
        )
    return time.perf_counter() - started


def open_invoices(customer: int, customers: int, invoices: int, payments: int) -> list[int]:
    """The invoices of customer `customer` that owe money (unpaid, or paid by half)."""
    numbers = range(customer - 1, invoices + 1, customers)
    return [g for g in numbers if g >= 1 and (g > payments or g % 3 == 0)]


def paying_ten(customers: int, invoices: int, payments: int) -> Request:
    eligible = [
        c
        for c in range(1, customers + 1)
        if len(open_invoices(c, customers, invoices, payments)) >= 10
    ]

    def pay(pick: random.Random) -> tuple[str, dict[str, Any]]:
        customer = pick.choice(eligible)
        owed = open_invoices(customer, customers, invoices, payments)[:10]
        return RECORD, {
            "input": {
                "customerId": f"C-{customer:05d}",
                "amount": "0.10",
                "currency": "USD",
                "paymentMethod": "ACH",
                "allocations": [{"invoiceId": f"INVC-{g:06d}", "amount": "0.01"} for g in owed],
            }
        }

    return pay


def fixed(query: str) -> Request:
    return lambda pick: (query, {})


def statement(customers: int, invoices: int, payments: int, lines: int) -> dict[str, Any]:
    pick = random.Random(7)
    today = datetime.now(UTC).date().isoformat()
    statement_id = f"STMT-{uuid.uuid4().hex[:8]}"
    body = []
    for n in range(1, lines + 1):
        customer = pick.randrange(1, customers + 1)
        owed = open_invoices(customer, customers, invoices, payments)
        reference = f"INV-2026-{owed[-1]:06d}" if owed and n % 2 else f"Remittance {n}"
        body.append(
            {
                "lineNo": n,
                "customerId": f"C-{customer:05d}",
                "amount": 1.00,
                "currency": "USD",
                "valueDate": today,
                "reference": reference,
            }
        )
    return {
        "eventType": "BankStatementImportedEvent",
        "eventId": str(uuid.uuid4()),
        "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "aggregateId": statement_id,
        "tenantId": TENANT,
        "payload": {"statementId": statement_id, "statementDate": today, "lines": body},
    }


async def bank_statement(
    engine: AsyncEngine, bootstrap: str, pid: int, document: dict[str, Any]
) -> tuple[float, float]:
    """Seconds from the send until the statement's payments are committed, and the
    gateway's CPU seconds meanwhile."""
    lines = len(document["payload"]["lines"])
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    counted = text("SELECT count(*) FROM payments WHERE tenant_id = :t AND statement_id = :s")
    try:
        cpu_before, started = process_cpu_seconds(pid), time.perf_counter()
        await producer.send_and_wait(
            STATEMENT_TOPIC, json.dumps(document).encode(), key=TENANT.encode()
        )
        async with engine.connect() as connection:
            while True:
                found = await connection.scalar(
                    counted, {"t": TENANT, "s": document["aggregateId"]}
                )
                await connection.commit()
                if found >= lines:
                    break
                await asyncio.sleep(0.05)
        return time.perf_counter() - started, process_cpu_seconds(pid) - cpu_before
    finally:
        await producer.stop()


async def main(
    customers: int, invoices: int, payments: int, requests: int, counts: list[int], lines: int
) -> None:
    async with running_gateway("bench-receivables-") as services:
        engine = create_engine(services.database_url)
        try:
            seconds = await load(engine, customers, invoices, payments)
            print(
                f"loaded {customers:,} customers, {invoices:,} invoices and {payments:,} "
                f"payments in {seconds:.1f} s"
            )
            pid = services.server.process.pid
            clients = [
                GraphQLClient(services.server.url, bench_token()) for _ in range(max(counts))
            ]
            scenarios: dict[str, tuple[Request, str, int]] = {
                "arAging: total": (fixed(AGING_TOTAL), "< 150", requests),
                EVERY_CUSTOMER: (fixed(AGING_ALL), "-", requests // 10),
                "recordPayment: 10 allocations": (
                    paying_ten(customers, invoices, payments),
                    "< 50",
                    requests,
                ),
            }
            try:
                print(
                    f"{'operation':<32} {'clients':>7} {'p50 ms':>7} {'p99 ms':>7} "
                    f"{'target':>7} {'n':>5} {'gateway CPU ms/req':>19} "
                    f"{'database CPU ms/req':>20} {'machine CPU ms/req':>19}"
                )
                for (name, (request, target, count)), concurrency in product(
                    scenarios.items(), counts
                ):
                    if name == EVERY_CUSTOMER and concurrency > 1:
                        continue  # 10,000 rows a response: once at a time is its measure
                    running = clients[:concurrency]
                    await measure(running, request, 2 * concurrency, [pid], services)
                    latencies, gateway_ms, database_ms, machine_ms = await measure(
                        running, request, count, [pid], services
                    )
                    print(
                        f"{name:<32} {concurrency:>7} {percentile(latencies, 0.5):>7.1f} "
                        f"{percentile(latencies, 0.99):>7.1f} {target:>7} {len(latencies):>5} "
                        f"{gateway_ms:>19.2f} {database_ms:>20.2f} {machine_ms:>19.2f}"
                    )
            finally:
                for http in clients:
                    await http.close()
            document = statement(customers, invoices, payments, lines)
            took, cpu = await bank_statement(engine, services.bootstrap, pid, document)
            print(
                f"bank statement of {lines:,} lines applied in {took:.2f} s (target < 5 s), "
                f"gateway CPU {cpu:.2f} s ({cpu * 1000 / lines:.2f} ms per line)"
            )
        finally:
            await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--invoices", type=int, default=200_000)
    parser.add_argument("--payments", type=int, default=150_000, help="at most --invoices")
    parser.add_argument("--requests", type=int, default=200, help="per operation, all clients")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--statement-lines", type=int, default=1_000)
    args = parser.parse_args()
    uvloop.run(
        main(
            args.customers,
            args.invoices,
            args.payments,
            args.requests,
            args.clients,
            args.statement_lines,
        )
    )
