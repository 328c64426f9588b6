"""AR reports and live payments through the API: aging as of today and as of an earlier
date (it reads the journal, so the past stays as it was), a customer's statement with
its running balance, `paymentReceived` over a real websocket, and AR events on
`domainEvents`. The ledger invariant holds after each scenario."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.identity import Permission
from tests.conftest import Api, RunningGateway, token
from tests.e2e.ledger_checks import assert_the_ledger_holds
from tests.e2e.test_payments_api import RECORD, REVERSE, ar_shop, payment_input, posted_invoice
from tests.graphql_ws import Subscriber

AGING = """query($asOf: Date) { arAging(asOf: $asOf) {
  customers { customerId current days1To30 days31To60 days61To90 over90Days unapplied total }
  total { current days1To30 days31To60 days61To90 over90Days unapplied total } } }"""
STATEMENT = """query($id: ID!, $from: Date!, $to: Date!) {
  customerStatement(customerId: $id, from: $from, to: $to) {
    openingBalance closingBalance lines { postedOn debit credit balance } } }"""


def row(**amounts: str) -> dict[str, str]:
    columns = ("current", "days1To30", "days31To60", "days61To90", "over90Days", "unapplied")
    return {column: amounts.get(column, "0.00") for column in columns} | {"total": amounts["total"]}


async def test_aging_buckets_by_days_past_due_and_shows_an_earlier_date_as_it_was(
    api: Api, engine: AsyncEngine
) -> None:
    first, second = await ar_shop(api, 2)
    today = datetime.now(UTC).date()

    def days_ago(n: int) -> str:
        return (today - timedelta(days=n)).isoformat()

    # NET30: posted 30 + n days ago is n days past due today
    await posted_invoice(api, first, "100.00", days_ago(10))  # current
    await posted_invoice(api, first, "200.00", days_ago(45))  # 15 days late
    await posted_invoice(api, first, "300.00", days_ago(80))  # 50 days late
    await posted_invoice(api, second, "400.00", days_ago(110))  # 80 days late
    old = await posted_invoice(api, second, "500.00", days_ago(200))  # 170 days late
    await api.data(
        RECORD,
        payment_input(second, "550.00", (old["invoiceId"], "450.00"), paymentDate=days_ago(5)),
    )
    aging = (await api.data(AGING))["arAging"]
    assert [c["customerId"] for c in aging["customers"]] == sorted([first, second])
    by_customer = {c.pop("customerId"): c for c in aging["customers"]}
    assert by_customer[first] == row(
        current="100.00", days1To30="200.00", days31To60="300.00", total="600.00"
    )
    assert by_customer[second] == row(
        days61To90="400.00", over90Days="50.00", unapplied="-100.00", total="350.00"
    )
    assert aging["total"] == row(
        current="100.00",
        days1To30="200.00",
        days31To60="300.00",
        days61To90="400.00",
        over90Days="50.00",
        unapplied="-100.00",
        total="950.00",
    )
    before_the_payment = (await api.data(AGING, {"asOf": days_ago(6)}))["arAging"]
    assert before_the_payment["total"]["total"] == "1500.00"
    assert before_the_payment["total"]["unapplied"] == "0.00"
    # the total sums per due date, the rows per customer: column by column they agree
    for report in (aging, before_the_payment):
        assert report["total"] == {
            column: str(sum((Decimal(c[column]) for c in report["customers"]), Decimal("0.00")))
            for column in report["total"]
        }
    assert (await api.data(AGING, {"asOf": days_ago(300)}))["arAging"]["customers"] == []
    named = await api.data(
        "{ arAging { customers { customer { name } } total { customer { name } } } }"
    )
    assert named["arAging"] == {
        "customers": [{"customer": {"name": "Fleet 0"}}, {"customer": {"name": "Fleet 1"}}],
        "total": {"customer": None},
    }
    assert await assert_the_ledger_holds(api, engine) == Decimal("950.00")


async def test_a_customer_statement_runs_a_balance_over_the_period(
    api: Api, engine: AsyncEngine
) -> None:
    [customer] = await ar_shop(api)
    today = datetime.now(UTC).date()
    before = (today - timedelta(days=20)).isoformat()
    start = (today - timedelta(days=10)).isoformat()
    await posted_invoice(api, customer, "100.00", before)
    billed = await posted_invoice(api, customer, "250.00", start)
    paid = (
        await api.data(RECORD, payment_input(customer, "300.00", (billed["invoiceId"], "250.00")))
    )["recordPayment"]
    await api.data(
        REVERSE, {"id": paid["paymentId"], "version": paid["version"], "reason": "Bounced"}
    )
    found = (await api.data(STATEMENT, {"id": customer, "from": start, "to": today.isoformat()}))[
        "customerStatement"
    ]
    assert found["openingBalance"] == "100.00"
    assert found["lines"] == [
        {"postedOn": start, "debit": "250.00", "credit": "0.00", "balance": "350.00"},
        {"postedOn": today.isoformat(), "debit": "0.00", "credit": "300.00", "balance": "50.00"},
        {"postedOn": today.isoformat(), "debit": "300.00", "credit": "0.00", "balance": "350.00"},
    ]
    assert found["closingBalance"] == "350.00"
    assert await api.error_codes(
        STATEMENT, {"id": customer, "from": today.isoformat(), "to": start}
    ) == ["BAD_USER_INPUT"]
    assert await api.error_codes(STATEMENT, {"id": "CUST-404", "from": start, "to": start}) == [
        "CUSTOMER_NOT_FOUND"
    ]
    await assert_the_ledger_holds(api, engine)


WATCH = """subscription($customerId: ID) { paymentReceived(customerId: $customerId) {
  paymentId customerId amount currency paymentMethod allocations { invoiceId amount } } }"""
EVENTS = """subscription { domainEvents(types: ["PaymentReceivedEvent",
  "PaymentReversedEvent"]) { eventType aggregateId } }"""


async def test_a_finance_dashboard_sees_payments_as_they_are_recorded(
    api: Api, gateway: RunningGateway
) -> None:
    [customer] = await ar_shop(api)
    owed = await posted_invoice(api, customer, "100.00")
    watchers = []
    for query, variables in (
        (WATCH, {}),
        (WATCH, {"customerId": "CUST-404"}),
        (EVENTS, {}),
    ):
        subscriber = await Subscriber(
            gateway.url, token(api.tenant, [Permission.INVOICE_READ, Permission.EVENTS_READ])
        ).connect()
        await subscriber.acknowledged()
        await subscriber.subscribe(query, variables)
        watchers.append(subscriber)
    await gateway.subscribed(api.tenant, 3)
    dashboard, other_customer, events = watchers
    try:
        paid = (
            await api.data(RECORD, payment_input(customer, "60.00", (owed["invoiceId"], "60.00")))
        )["recordPayment"]
        await api.data(
            REVERSE, {"id": paid["paymentId"], "version": paid["version"], "reason": "Bounced"}
        )
        seen = (await dashboard.next_data())["paymentReceived"]
        both = [(await events.next_data())["domainEvents"] for _ in range(2)]
        await other_customer.nothing_for(0.5)
    finally:
        for subscriber in watchers:
            await subscriber.close()
    assert seen == {
        "paymentId": paid["paymentId"],
        "customerId": customer,
        "amount": "60.00",
        "currency": "USD",
        "paymentMethod": "ACH",
        "allocations": [{"invoiceId": owed["invoiceId"], "amount": "60.00"}],
    }
    assert both == [
        {"eventType": "PaymentReceivedEvent", "aggregateId": paid["paymentId"]},
        {"eventType": "PaymentReversedEvent", "aggregateId": paid["paymentId"]},
    ]
