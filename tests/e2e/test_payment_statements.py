"""A payment costs the same statements whatever number of invoices it pays."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import event

from tests.conftest import Api, RunningGateway
from tests.e2e.test_dataloaders import StatementLog
from tests.e2e.test_payments_api import RECORD, ar_shop, payment_input, posted_invoice

PAYMENT_TABLES = re.compile(
    r"\b(FROM|INTO|UPDATE) (customers|invoices|invoice_lines|journal_lines|payments|"
    r"payment_allocations|gl_accounts|financial_periods|outbox \()"
)


class PaymentStatements(StatementLog):
    """The statements reading or writing what a payment touches (never the outbox
    relay's or the other background tasks')."""

    def __call__(self, logged: Any) -> None:
        if PAYMENT_TABLES.search(logged.query):
            self.statements.append(logged.query)


async def test_a_payment_to_ten_invoices_makes_as_many_statements_as_one_to_one(
    api: Api, gateway: RunningGateway
) -> None:
    [customer] = await ar_shop(api)
    invoices = [(await posted_invoice(api, customer, "100.00"))["invoiceId"] for _ in range(11)]
    log = PaymentStatements()
    pool = gateway.app.state.engine.sync_engine.pool
    event.listen(pool, "checkout", log.watch)
    try:
        counts = {}
        for paid in ([invoices[0]], invoices[1:]):
            log.statements.clear()
            payment = await api.data(
                RECORD,
                payment_input(customer, f"{len(paid)}00.00", *((i, "100.00") for i in paid)),
            )
            parts = payment["recordPayment"]["allocations"]
            assert [(p["invoiceId"], p["invoice"]["status"]) for p in parts] == [
                (i, "PAID") for i in paid
            ]
            counts[len(paid)] = len(log.statements)
    finally:
        event.remove(pool, "checkout", log.watch)
        for driver_connection in log.watched:
            driver_connection.remove_query_logger(log)
    # The payment's number, the chart, the closed periods and the invoices (their
    # headers alone: no lines, no journal, unlocked; being the customer's, they prove
    # the customer is there) in one statement; then, outside any transaction, one
    # statement locking the invoices, checking their versions and writing the payment
    # with its allocations, its journal lines, its invoices' UPDATE and its event; and
    # the answer's invoices (headers, lines, journal): each a single statement for any
    # number of invoices.
    assert counts == {1: 5, 10: 5}
