"""Invoice use cases on the in-memory unit of work: a manual invoice drafted, taxed per
line, posted under a gapless number with a balanced GL entry, and cancelled with its
reversal; every refusal with its code, and nothing stored (no number taken) on refusal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest

from domain.clock import ManualClock
from domain.errors import DomainError
from domain.finance.periods import FinancialPeriod
from domain.identity import Principal
from domain.paging import PageRequest
from domain.receivables.accounts import Account, AccountRole, AccountSource
from domain.receivables.events import InvoiceCancelled, InvoicePosted
from domain.receivables.invoice import InvoiceStatus, invoice_number
from domain.receivables.journal import JournalEntry, JournalLine, Side
from domain.receivables.lines import LineRequest
from domain.receivables.search import InvoiceFilter
from domain.receivables.terms import due_date
from domain.tax import ItemType
from resolvers.customers import use_cases as customers
from resolvers.receivables import invoices, ledger
from tests.use_cases.conftest import TENANT
from tests.use_cases.fakes import Database, FakeUnitOfWork
from tests.use_cases.outcomes import refusal, with_ids_of
from tests.use_cases.tax_codes import EXEMPT, GOODS, LABOR, location_with_codes

CLERK = Principal("clerk-7", TENANT, frozenset({"*"}))
Units = Callable[[], FakeUnitOfWork]
PADS = LineRequest("Brake pads", ItemType.PART, Decimal("2"), Decimal("89.99"), "TAXABLE_GOODS")
LABOUR = LineRequest(
    "Brake job", ItemType.LABOR, Decimal("1.5"), Decimal("120.00"), "LABOR_TAXABLE"
)


async def customer(uow: Units, clock: ManualClock, terms: str | None = "BT-NET30") -> str:
    created = await customers.create_customer(
        uow, clock, {"name": "Fleet Co", "billing_terms_id": terms}
    )
    return created.id


@pytest.fixture
async def shop(uow: Units) -> None:
    await location_with_codes(uow, "LOC-001", (GOODS, LABOR, EXEMPT))


async def draft(
    uow: Units, clock: ManualClock, *lines: LineRequest, terms: str | None = "BT-NET30"
):
    return await invoices.create_invoice(
        uow, clock, CLERK, await customer(uow, clock, terms), "LOC-001", None, lines
    )


async def test_a_draft_is_taxed_per_line_and_has_no_number(
    shop: None, uow: Units, clock: ManualClock
) -> None:
    invoice = await draft(uow, clock, PADS, LABOUR)
    assert invoice.status is InvoiceStatus.DRAFT and invoice.number is None
    assert [(line.net_amount, line.tax_amount) for line in invoice.lines] == [
        (Decimal("179.98"), Decimal("14.40")),
        (Decimal("180.00"), Decimal("10.80")),
    ]
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (
        Decimal("359.98"),
        Decimal("25.20"),
        Decimal("385.18"),
    )
    assert invoice.currency == "USD" and invoice.open_balance == 0


async def test_posting_numbers_the_invoice_and_posts_receivable_revenue_and_tax(
    shop: None, uow: Units, clock: ManualClock, database: Database
) -> None:
    invoice = await draft(uow, clock, PADS, LABOUR)
    posted = await invoices.post_invoice(
        uow, clock, CLERK, invoice.id, date(2026, 3, 2), invoice.version
    )
    assert posted.number == "INV-2026-000001"
    assert posted.status is InvoiceStatus.POSTED and posted.open_balance == Decimal("385.18")
    assert posted.due_date == date(2026, 4, 1)
    lines = (
        JournalLine("1200", "Accounts Receivable", Side.DEBIT, Decimal("385.18")),
        JournalLine("4000", "Revenue", Side.CREDIT, Decimal("359.98")),
        JournalLine("2100", "Sales Tax Payable", Side.CREDIT, Decimal("25.20")),
    )
    assert [entry.lines for entry in posted.journal] == [lines]
    published = database.outbox[-1:]
    assert published == with_ids_of(
        published,
        [
            InvoicePosted(
                aggregate_id=invoice.id,
                tenant_id=TENANT,
                occurred_at=clock.now(),
                customer_id=invoice.customer_id,
                invoice_number="INV-2026-000001",
                total_amount=Decimal("385.18"),
                tax_amount=Decimal("25.20"),
                currency="USD",
                posting_date=date(2026, 3, 2),
                due_date=date(2026, 4, 1),
                gl_entries=lines,
            )
        ],
    )


async def test_an_untaxed_invoice_posts_no_tax_line(
    shop: None, uow: Units, clock: ManualClock
) -> None:
    exempt = LineRequest(
        "Inspection", ItemType.SERVICE, Decimal("1"), Decimal("1200"), "TAX_EXEMPT"
    )
    invoice = await draft(uow, clock, exempt)
    posted = await invoices.post_invoice(uow, clock, CLERK, invoice.id, None, invoice.version)
    assert [(line.account, line.side, line.amount) for line in posted.journal[0].lines] == [
        ("1200", Side.DEBIT, Decimal("1200.00")),
        ("4000", Side.CREDIT, Decimal("1200.00")),
    ]


async def test_numbers_run_per_year_without_gaps_and_refused_postings_take_none(
    shop: None, uow: Units, clock: ManualClock, database: Database
) -> None:
    first, second, third = [await draft(uow, clock, PADS) for _ in range(3)]
    empty = await draft(uow, clock)
    with pytest.raises(DomainError) as refused:
        await invoices.post_invoice(uow, clock, CLERK, empty.id, None, empty.version)
    assert refusal(refused) == [("EMPTY_INVOICE", "items")]
    async with uow() as work:
        await work.financial_periods.record_closed(
            FinancialPeriod("2026-01", date(2026, 1, 1), date(2026, 1, 31), clock.now(), "ctl")
        )
        await work.commit()
    with pytest.raises(DomainError) as closed:
        await invoices.post_invoice(uow, clock, CLERK, first.id, date(2026, 1, 15), first.version)
    assert refusal(closed) == [("FINANCIAL_PERIOD_CLOSED", None)]
    numbers = [
        (await invoices.post_invoice(uow, clock, CLERK, i.id, on, i.version)).number
        for i, on in (
            (first, date(2026, 3, 1)),
            (second, date(2027, 1, 4)),
            (third, date(2026, 3, 2)),
        )
    ]
    assert numbers == ["INV-2026-000001", "INV-2027-000001", "INV-2026-000002"]


async def test_a_posted_invoice_takes_no_lines_and_is_not_posted_twice(
    shop: None, uow: Units, clock: ManualClock
) -> None:
    invoice = await draft(uow, clock, PADS)
    posted = await invoices.post_invoice(uow, clock, CLERK, invoice.id, None, invoice.version)
    with pytest.raises(DomainError) as twice:
        await invoices.post_invoice(uow, clock, CLERK, invoice.id, None, posted.version)
    assert refusal(twice) == [("INVALID_TRANSITION", "status")]
    with pytest.raises(DomainError) as stale:
        await invoices.post_invoice(uow, clock, CLERK, invoice.id, None, invoice.version)
    assert refusal(stale) == [("VERSION_CONFLICT", "version")]


async def test_due_dates_follow_the_customers_billing_terms(
    shop: None, uow: Units, clock: ManualClock
) -> None:
    on = date(2026, 3, 2)
    for terms, due in (
        ("BT-NET15", date(2026, 3, 17)),
        ("BT-DUE-ON-RECEIPT", on),
        ("NET60", date(2026, 5, 1)),
        (None, date(2026, 4, 1)),
    ):
        invoice = await draft(uow, clock, PADS, terms=terms)
        posted = await invoices.post_invoice(uow, clock, CLERK, invoice.id, on, invoice.version)
        assert posted.due_date == due == due_date(on, terms)
    unreadable = await draft(uow, clock, PADS, terms="SOMETIME")
    with pytest.raises(DomainError) as refused:
        await invoices.post_invoice(uow, clock, CLERK, unreadable.id, on, unreadable.version)
    assert refusal(refused) == [("UNKNOWN_BILLING_TERMS", "billingTermsId")]
    after_refusal = await invoices.post_invoice(
        uow, clock, CLERK, (await draft(uow, clock, PADS)).id, on, 1
    )
    assert after_refusal.number == "INV-2026-000005"


async def test_bad_lines_are_refused_each_with_its_field_and_nothing_is_stored(
    shop: None, uow: Units, clock: ManualClock, database: Database
) -> None:
    owner = await customer(uow, clock)
    with pytest.raises(DomainError) as refused:
        await invoices.create_invoice(
            uow,
            clock,
            CLERK,
            owner,
            "LOC-001",
            None,
            [
                LineRequest(" ", ItemType.PART, Decimal("0"), Decimal("1.001"), "TAXABLE_GOODS"),
                LineRequest("Labour", ItemType.LABOR, Decimal("1"), Decimal("10"), "TAXABLE_GOODS"),
                LineRequest("Fee", ItemType.FEE, Decimal("1"), Decimal("5"), "NOPE"),
                LineRequest("Pads", ItemType.PART, Decimal("1"), Decimal("5"), None, Decimal("6")),
            ],
        )
    assert refusal(refused) == [
        ("BAD_USER_INPUT", "items[0].description"),
        ("BAD_USER_INPUT", "items[0].quantity"),
        ("BAD_USER_INPUT", "items[0].unitPrice"),
        ("BAD_USER_INPUT", "items[3].discount"),
    ]
    with pytest.raises(DomainError) as taxes:
        await invoices.create_invoice(
            uow,
            clock,
            CLERK,
            owner,
            "LOC-001",
            None,
            [
                LineRequest("Labour", ItemType.LABOR, Decimal("1"), Decimal("10"), "TAXABLE_GOODS"),
                LineRequest("Fee", ItemType.FEE, Decimal("1"), Decimal("5"), "NOPE"),
            ],
        )
    assert refusal(taxes) == [
        ("TAX_CODE_NOT_APPLICABLE", "items[0].taxCode"),
        ("TAX_CODE_NOT_CONFIGURED", "items[1].taxCode"),
    ]
    for customer_id, location_id, code in (
        ("CUST-404", "LOC-001", "CUSTOMER_NOT_FOUND"),
        (owner, "LOC-404", "LOCATION_NOT_FOUND"),
    ):
        with pytest.raises(DomainError) as missing:
            await invoices.create_invoice(uow, clock, CLERK, customer_id, location_id, None, [PADS])
        assert missing.value.code == code
    assert database.committed("invoices", TENANT) == {}


async def test_a_line_discount_lowers_the_taxable_amount(
    shop: None, uow: Units, clock: ManualClock
) -> None:
    discounted = LineRequest(
        "Brake pads", ItemType.PART, Decimal("2"), Decimal("89.99"), "TAXABLE_GOODS", Decimal("20")
    )
    invoice = await draft(uow, clock, discounted)
    assert (invoice.lines[0].net_amount, invoice.lines[0].tax_amount) == (
        Decimal("159.98"),
        Decimal("12.80"),
    )


async def test_cancelling_a_posted_invoice_reverses_its_posting(
    shop: None, uow: Units, clock: ManualClock, database: Database
) -> None:
    invoice = await draft(uow, clock, PADS)
    posted = await invoices.post_invoice(uow, clock, CLERK, invoice.id, None, invoice.version)
    clock.advance(timedelta(hours=1))
    cancelled = await invoices.cancel_invoice(
        uow, clock, CLERK, invoice.id, " Duplicate invoice ", posted.version
    )
    assert cancelled.status is InvoiceStatus.CANCELLED and cancelled.open_balance == 0
    posting, reversal = cancelled.journal
    assert reversal.lines == tuple(
        JournalLine(line.account, line.account_name, line.side.opposite, line.amount)
        for line in posting.lines
    )
    assert database.outbox[-1] == InvoiceCancelled(
        aggregate_id=invoice.id,
        tenant_id=TENANT,
        occurred_at=clock.now(),
        event_id=database.outbox[-1].event_id,
        customer_id=invoice.customer_id,
        reason="Duplicate invoice",
        cancelled_by="clerk-7",
        gl_entries=reversal.lines,
    )
    with pytest.raises(DomainError) as again:
        await invoices.cancel_invoice(uow, clock, CLERK, invoice.id, "again", cancelled.version)
    assert refusal(again) == [("INVALID_TRANSITION", "status")]


async def test_a_cancel_needs_a_reason_and_a_draft_is_set_aside_without_an_event(
    shop: None, uow: Units, clock: ManualClock, database: Database
) -> None:
    invoice = await draft(uow, clock, PADS)
    with pytest.raises(DomainError) as refused:
        await invoices.cancel_invoice(uow, clock, CLERK, invoice.id, "  ", invoice.version)
    assert refusal(refused) == [("BAD_USER_INPUT", "reason")]
    before = len(database.outbox)
    cancelled = await invoices.cancel_invoice(uow, clock, CLERK, invoice.id, "typo", 1)
    assert cancelled.status is InvoiceStatus.CANCELLED and cancelled.journal == ()
    assert len(database.outbox) == before


async def test_invoices_are_listed_by_customer_status_due_range_and_overdue(
    shop: None, uow: Units, clock: ManualClock
) -> None:
    quick = await draft(uow, clock, PADS, terms="NET15")
    slow = await draft(uow, clock, PADS, terms="NET60")
    await draft(uow, clock, PADS)
    for invoice in (quick, slow):
        await invoices.post_invoice(uow, clock, CLERK, invoice.id, date(2026, 3, 2), 1)

    async def ids(where: InvoiceFilter) -> list[str]:
        async with uow() as work:
            return [i.id for i in await work.invoices.search(where, PageRequest(0, 20))]

    assert await ids(InvoiceFilter(statuses=(InvoiceStatus.POSTED,))) == [slow.id, quick.id]
    assert await ids(InvoiceFilter(customer_id=quick.customer_id)) == [quick.id]
    assert await ids(InvoiceFilter(due_from=date(2026, 4, 1))) == [slow.id]
    assert await ids(InvoiceFilter(overdue_on=date(2026, 3, 18))) == [quick.id]
    assert await ids(InvoiceFilter(overdue_on=date(2026, 3, 17))) == []


def test_an_entry_that_does_not_balance_cannot_be_made() -> None:
    debit = JournalLine("1200", "Accounts Receivable", Side.DEBIT, Decimal("10.00"))
    for lines in (
        (debit,),
        (debit, JournalLine("4000", "Revenue", Side.CREDIT, Decimal("9.99"))),
        (debit, JournalLine("4000", "Revenue", Side.CREDIT, Decimal("10.001"))),
        (
            debit,
            JournalLine("4000", "Revenue", Side.CREDIT, Decimal("11.00")),
            JournalLine("2100", "Sales Tax Payable", Side.CREDIT, Decimal("-1.00")),
        ),
    ):
        with pytest.raises(DomainError) as refused:
            JournalEntry("E-1", date(2026, 3, 2), "test", lines)
        assert refused.value.code == "UNBALANCED_JOURNAL_ENTRY"
    assert JournalEntry(
        "E-2",
        date(2026, 3, 2),
        "ok",
        (debit, JournalLine("4000", "Revenue", Side.CREDIT, Decimal("10.00"))),
    ).total(Side.CREDIT) == Decimal("10.00")


async def test_the_trial_balance_adds_up_every_posting_and_reversal_as_of_a_date(
    shop: None, uow: Units, clock: ManualClock
) -> None:
    kept, cancelled = await draft(uow, clock, PADS, LABOUR), await draft(uow, clock, PADS)
    await invoices.post_invoice(uow, clock, CLERK, kept.id, date(2026, 3, 1), 1)
    await invoices.post_invoice(uow, clock, CLERK, cancelled.id, date(2026, 3, 1), 1)
    await invoices.cancel_invoice(uow, clock, CLERK, cancelled.id, "Duplicate", 2)
    before = await ledger.trial_balance(uow, date(2026, 2, 28))
    assert before.accounts == ()
    balance = await ledger.trial_balance(uow, date(2026, 3, 2))
    assert [(a.account, a.debit, a.credit, a.balance) for a in balance.accounts] == [
        ("1200", Decimal("579.56"), Decimal("194.38"), Decimal("385.18")),
        ("2100", Decimal("14.40"), Decimal("39.60"), Decimal("-25.20")),
        ("4000", Decimal("179.98"), Decimal("539.96"), Decimal("-359.98")),
    ]
    assert balance.total_debit == balance.total_credit == Decimal("773.94")


async def test_a_tenants_own_account_is_posted_to_and_one_number_serves_one_role(
    shop: None, uow: Units, clock: ManualClock, stranger: Units
) -> None:
    chart = await ledger.set_gl_account(uow, AccountRole.REVENUE, "4010", " Parts Revenue ")
    assert chart[AccountRole.REVENUE] == Account("4010", "Parts Revenue")
    with pytest.raises(DomainError) as taken:
        await ledger.set_gl_account(uow, AccountRole.SALES_RETURNS, "4100", "Returns")
    assert refusal(taken) == [("GL_ACCOUNT_TAKEN", "number")]
    with pytest.raises(DomainError) as bad:
        await ledger.set_gl_account(uow, AccountRole.CASH, "cash", " ")
    assert refusal(bad) == [("BAD_USER_INPUT", "number"), ("BAD_USER_INPUT", "name")]
    invoice = await draft(uow, clock, PADS)
    posted = await invoices.post_invoice(uow, clock, CLERK, invoice.id, None, 1)
    assert [line.account for line in posted.journal[0].lines] == ["1200", "4010", "2100"]
    assert (await ledger.chart_of_accounts(stranger))[AccountRole.REVENUE].number == "4000"


async def test_a_location_books_its_revenue_to_its_own_account_and_the_others_must_too(
    shop: None, uow: Units, clock: ManualClock
) -> None:
    await location_with_codes(uow, "LOC-002", (GOODS,))
    placed = await ledger.set_location_gl_account(
        uow, "LOC-001", AccountRole.REVENUE, "4000-01", "Revenue, Main St"
    )
    assert [(a.role, a.account and a.account.number, a.source) for a in placed][2:4] == [
        (AccountRole.SALES_TAX_PAYABLE, "2100", AccountSource.DEFAULT),
        (AccountRole.REVENUE, "4000-01", AccountSource.LOCATION),
    ]
    posted = await invoices.post_invoice(
        uow, clock, CLERK, (await draft(uow, clock, PADS)).id, None, 1
    )
    assert [line.account for line in posted.journal[0].lines] == ["1200", "4000-01", "2100"]

    elsewhere = await invoices.create_invoice(
        uow, clock, CLERK, posted.customer_id, "LOC-002", None, [PADS]
    )
    with pytest.raises(DomainError) as missing:
        await invoices.post_invoice(uow, clock, CLERK, elsewhere.id, None, 1)
    assert refusal(missing) == [("LOCATION_GL_ACCOUNT_NOT_CONFIGURED", "locationId")]
    assert "LOC-002" in str(missing.value)
    at_other = await ledger.location_accounts(uow, "LOC-002")
    assert at_other[3].source is AccountSource.NOT_CONFIGURED and at_other[3].account is None

    await ledger.set_location_gl_account(
        uow, "LOC-002", AccountRole.REVENUE, "4000-02", "Revenue, North"
    )
    again = await invoices.post_invoice(uow, clock, CLERK, elsewhere.id, None, 1)
    assert again.number == invoice_number(clock.now().year, 2)
    assert [line.account for line in again.journal[0].lines] == ["1200", "4000-02", "2100"]


async def test_a_location_account_is_revenue_only_on_a_free_number_of_a_known_location(
    shop: None, uow: Units
) -> None:
    with pytest.raises(DomainError) as tenant_role:
        await ledger.set_location_gl_account(uow, "LOC-001", AccountRole.RECEIVABLES, "1210", "AR")
    assert refusal(tenant_role) == [("BAD_USER_INPUT", "role")]
    with pytest.raises(DomainError) as taken:
        await ledger.set_location_gl_account(uow, "LOC-001", AccountRole.REVENUE, "2100", "X")
    assert refusal(taken) == [("GL_ACCOUNT_TAKEN", "number")]
    with pytest.raises(DomainError) as unknown:
        await ledger.set_location_gl_account(uow, "LOC-404", AccountRole.REVENUE, "4001", "X")
    assert refusal(unknown) == [("LOCATION_NOT_FOUND", "locationId")]
    assert all(
        a.source is AccountSource.DEFAULT for a in await ledger.location_accounts(uow, "LOC-001")
    )
