"""Credit memos: issued by a clerk against an invoice or on account, or by Sales Rebates'
`RebateIssuedEvent` under the id it chose (domain/receivables/credit_memo.py)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from domain.clock import Clock
from domain.customers import CustomerNotFound
from domain.errors import InvalidInput, collect
from domain.identity import Principal
from domain.money import check_currency, normalize_currency
from domain.receivables.credit_memo import REBATE_SETTLEMENT, CreditMemo, RebateIssued
from domain.receivables.invoice import Invoice
from resolvers.changes import existing
from resolvers.ports import UnitOfWork, UnitOfWorkFactory

CREDIT_MEMO_SERIES = "CM"
REBATE_ISSUER = "sales-rebates"
"""Who issued a rebate's memo: the system that settled it."""


async def issue_credit_memo(
    uow: UnitOfWorkFactory,
    clock: Clock,
    by: Principal,
    customer_id: str,
    invoice_id: str | None,
    amount: Decimal,
    currency: str | None,
    reason: str,
) -> CreditMemo:
    """Credit the customer, against `invoice_id` (its currency) or on account."""
    collect(None if currency is None else check_currency(currency, "currency"))
    async with uow() as work:
        invoice = None
        if invoice_id is not None:
            invoice = await existing(work.invoices, invoice_id, lock=True)
        memo = await _issue(
            work,
            clock.now(),
            await work.naming.next_id(CREDIT_MEMO_SERIES),
            customer_id,
            invoice,
            amount,
            currency,
            reason,
            by.user_id,
        )
        await work.commit()
        return memo


async def rebate_issued(work: UnitOfWork, rebate: RebateIssued) -> None:
    """A rebate settled by credit memo: the memo `creditMemoId`, on account, issued when
    the rebate was. A memo of that id already issued (the same rebate sent again under
    another event id) changes nothing; a rebate settled otherwise is not AR's."""
    if rebate.settlement_method != REBATE_SETTLEMENT:
        return
    if await work.credit_memos.get(rebate.credit_memo_id) is not None:
        return
    await _issue(
        work,
        rebate.occurred_at,
        rebate.credit_memo_id,
        rebate.customer_id,
        None,
        rebate.amount,
        rebate.currency,
        f"Rebate {rebate.claim_id}",
        REBATE_ISSUER,
        claim_id=rebate.claim_id,
    )


async def credit_memo(uow: UnitOfWorkFactory, memo_id: str) -> CreditMemo:
    async with uow() as work:
        return await existing(work.credit_memos, memo_id)


async def _issue(
    work: UnitOfWork,
    at: datetime,
    memo_id: str,
    customer_id: str,
    invoice: Invoice | None,
    amount: Decimal,
    currency: str | None,
    reason: str,
    by: str,
    claim_id: str | None = None,
) -> CreditMemo:
    customers = await work.customers.get_many([customer_id])
    if customer_id not in customers:
        raise CustomerNotFound(f"Customer '{customer_id}' was not found.", field="customerId")
    if currency is not None:
        chosen = normalize_currency(currency)
    elif invoice is not None:
        chosen = invoice.currency
    else:
        raise InvalidInput("Say in which currency the customer is credited.", field="currency")
    memo = CreditMemo.issue(
        memo_id,
        work.tenant_id,
        customer_id,
        invoice,
        amount,
        chosen,
        reason,
        at,
        by,
        await work.chart_of_accounts.chart(),
        await work.financial_periods.closed(),
        claim_id,
    )
    await work.credit_memos.add(memo)
    return memo
