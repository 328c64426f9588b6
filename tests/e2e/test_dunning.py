"""Dunning through the API: a run as of a date notifies each customer with money past
due once for that date, at the level their oldest past-due invoice reached; the last
level blocks them; a tenant sets its own levels."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from persistence.tables import outbox
from tests.conftest import Api, Services
from tests.e2e.ledger_checks import assert_the_ledger_holds
from tests.e2e.service_order_steps import open_shop
from tests.e2e.test_invoices_api import PADS, POST, draft
from tests.e2e.test_service_order_events import records_of

NOTICE_TOPIC = "finance.ar.dunning.notice.generated"

RUN = """mutation($on: Date) { runDunning(asOf: $on) { dunningRunId asOfDate
  notices { customerId dunningLevel pastDueAmount customer { name } } } }"""
LEVELS = """mutation($levels: [DunningLevelInput!]!) { setDunningLevels(levels: $levels) {
  level daysOverdue blocks } }"""
STANDING = """query($c: ID!) { customer(id: $c) { blocked blockedReason } }"""


async def posted_on(api: Api, shop: dict[str, str], on: str) -> str:
    invoice = await draft(api, shop, PADS)
    await api.data(POST, {"id": invoice["invoiceId"], "version": 1, "on": on})
    return invoice["invoiceId"]


async def test_a_run_notifies_once_per_date_at_the_level_reached_and_the_last_level_blocks(
    api: Api, engine: AsyncEngine, services: Services
) -> None:
    shop = await open_shop(api)
    today = datetime.now(UTC).date()
    # NET30: posted 40 days ago is 10 days past due; 5 days ago is not due yet
    await posted_on(api, shop, (today - timedelta(days=40)).isoformat())
    await posted_on(api, shop, (today - timedelta(days=5)).isoformat())
    first = (await api.data(RUN, {"on": today.isoformat()}))["runDunning"]
    assert first["notices"] == [
        {
            "customerId": shop["customer"],
            "dunningLevel": "REMINDER",
            "pastDueAmount": "194.38",
            "customer": {"name": "Fleet Co"},
        }
    ]
    again = (await api.data(RUN, {"on": today.isoformat()}))["runDunning"]
    assert again["notices"] == []
    assert again["dunningRunId"] != first["dunningRunId"]
    later = (today + timedelta(days=25)).isoformat()  # 35 days past due
    assert [
        n["dunningLevel"] for n in (await api.data(RUN, {"on": later}))["runDunning"]["notices"]
    ] == ["SECOND_REMINDER"]
    assert (await api.data(STANDING, {"c": shop["customer"]}))["customer"]["blocked"] is False

    levels = [{"level": "REMINDER", "daysOverdue": 1}, {"level": "SUSPENDED", "daysOverdue": 40}]
    assert (await api.data(LEVELS, {"levels": levels}))["setDunningLevels"] == [
        {"level": "REMINDER", "daysOverdue": 1, "blocks": False},
        {"level": "SUSPENDED", "daysOverdue": 40, "blocks": True},
    ]
    last = (today + timedelta(days=31)).isoformat()  # 41 days past due
    [notice] = (await api.data(RUN, {"on": last}))["runDunning"]["notices"]
    assert notice["dunningLevel"] == "SUSPENDED"
    assert notice["pastDueAmount"] == "388.76"  # the second invoice is past due by then
    assert (await api.data(STANDING, {"c": shop["customer"]}))["customer"] == {
        "blocked": True,
        "blockedReason": "Dunning level SUSPENDED reached",
    }
    async with engine.connect() as connection:
        recorded = await connection.execute(
            select(outbox.c.event_type).where(outbox.c.tenant_id == api.tenant)
        )
        types = list(recorded.scalars())
    assert types.count("DunningNoticeGenerated") == 3
    assert types.count("CustomerBlocked") == 1
    notices = (await records_of(services, api.tenant, {NOTICE_TOPIC: 3}))[NOTICE_TOPIC]
    [reminder] = [n for n in notices if n["aggregateId"] == first["dunningRunId"]]
    assert reminder["payload"] == {
        "dunningRunId": first["dunningRunId"],
        "customerId": shop["customer"],
        "dunningLevel": "REMINDER",
        "asOfDate": today.isoformat(),
        "pastDueAmount": 194.38,
    }
    bad = [{"level": "reminder", "daysOverdue": 0}]
    assert await api.error_codes(LEVELS, {"levels": bad}) == ["BAD_USER_INPUT"]
    await assert_the_ledger_holds(api, engine)


async def test_a_run_also_blocks_customers_whose_exposure_grew_over_their_limit(
    api: Api, engine: AsyncEngine
) -> None:
    shop = await open_shop(api)
    limit = """mutation($c: ID!, $v: Int!, $limit: Decimal!) {
      setCreditLimit(customerId: $c, creditLimit: $limit, version: $v) { blocked } }"""
    careful = (
        await api.data('mutation { createCustomer(input: {name: "Careful Co"}) { customerId } }')
    )["createCustomer"]["customerId"]
    assert (await api.data(limit, {"c": shop["customer"], "v": 1, "limit": "200.00"}))[
        "setCreditLimit"
    ] == {"blocked": False}
    await api.data(limit, {"c": careful, "v": 1, "limit": "200.00"})
    today = datetime.now(UTC).date().isoformat()
    await posted_on(api, shop, today)  # 194.38: within 200.00
    assert (await api.data(RUN, {"on": today}))["runDunning"]["notices"] == []
    assert (await api.data(STANDING, {"c": shop["customer"]}))["customer"]["blocked"] is False
    await posted_on(api, shop, today)  # 388.76 now: over
    assert (await api.data(RUN, {"on": today}))["runDunning"]["notices"] == []
    assert (await api.data(STANDING, {"c": shop["customer"]}))["customer"] == {
        "blocked": True,
        "blockedReason": "Credit limit exceeded",
    }
    assert (await api.data(STANDING, {"c": careful}))["customer"]["blocked"] is False
    await assert_the_ledger_holds(api, engine)
