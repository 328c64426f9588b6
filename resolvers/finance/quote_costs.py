"""Finance effects of approved quotes: book their costs, unless finance locked the month.

`post_quote_costs` is the inbound handler of approved quotes (`QuoteApproved`, seed 003's
`trakservice.quote.approved.v1` on the wire). It runs
in the inbox's transaction, so a redelivered event is skipped; the cost transactions'
own idempotency keys make even a re-sent event (a new event id) book nothing twice. In
a locked month nothing is booked, the approval stands, and the quote's posting says
BLOCKED_BY_LOCK so the estimate shows it; unlocking the month books them.
"""

from __future__ import annotations

import logging

from domain.estimates import QuoteApproved
from domain.estimates.quotes import quote_id_of
from domain.finance.quote_costs import (
    CostTransaction,
    FinancePostingStatus,
    MonthLock,
    cost_transactions,
    finance_lock,
)
from domain.identity import Principal
from persistence.unit_of_work import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger("gateway.finance")


async def post_quote_costs(
    work: UnitOfWork, quote: QuoteApproved, *, locks: list[MonthLock] | None = None
) -> None:
    """Apply a quote-approved event: THIRD_PARTY for services, PARTS for materials.

    `locks` are the locked months when the caller already read them (they cannot change
    inside its transaction); otherwise they are read here.
    """
    quote_id = quote.aggregate_id
    if locks is None:
        locks = await work.finance_locks.locked()
    locked = finance_lock(quote, locks)
    if locked is not None:
        log.info("quote %s of %s not booked: %s", quote_id, work.tenant_id, locked.message)
        await work.cost_transactions.record_posting(
            quote_id, FinancePostingStatus.BLOCKED_BY_LOCK.value, locked.message
        )
        return
    booked = await work.cost_transactions.book(cost_transactions(quote))
    await work.cost_transactions.record_posting(quote_id, FinancePostingStatus.POSTED.value, None)
    log.info("quote %s of %s: %d cost transactions booked", quote_id, work.tenant_id, booked)


async def quote_cost_transactions(uow: UnitOfWorkFactory, quote_id: str) -> list[CostTransaction]:
    """By quote id, else by the id of the estimate revision that was approved, so clients
    that asked for `EST-001` before quotes had UUIDs keep their answer."""
    async with uow() as work:
        found = await work.cost_transactions.for_quote(quote_id)
        if found:
            return found
        return await work.cost_transactions.for_quote(quote_id_of(work.tenant_id, quote_id))


async def finance_posting(
    uow: UnitOfWorkFactory, quote_id: str
) -> tuple[FinancePostingStatus, str | None]:
    """POSTED or BLOCKED_BY_LOCK once the event was handled; PENDING until then."""
    async with uow() as work:
        found = await work.cost_transactions.posting(quote_id)
    if found is None:
        return FinancePostingStatus.PENDING, None
    return FinancePostingStatus(found[0]), found[1]


async def lock_finance_month(
    uow: UnitOfWorkFactory, by: Principal, year: int, month: int
) -> list[MonthLock]:
    """Lock a month to new cost transactions (locking it again changes nothing)."""
    wanted = MonthLock(year, month)
    async with uow() as work:
        await work.finance_locks.lock(wanted, by.user_id)
        await work.commit()
        return await work.finance_locks.locked()


async def unlock_finance_month(uow: UnitOfWorkFactory, year: int, month: int) -> list[MonthLock]:
    """Unlock a month and book, in the same transaction, the costs its lock held back.

    The approvals stood all along; their quote-approved events are read back from the
    event log and applied again. A quote whose month is still locked (another lock)
    stays blocked; the cost transactions' keys make a second booking impossible.
    """
    wanted = MonthLock(year, month)
    async with uow() as work:
        await work.finance_locks.unlock(wanted)
        blocked = await work.cost_transactions.blocked_quotes()
        locks = await work.finance_locks.locked() if blocked else []
        for quote_id in blocked:
            for approved in await work.event_log.after(0, [QuoteApproved.__name__], quote_id, 1):
                assert isinstance(approved.event, QuoteApproved)
                await post_quote_costs(work, approved.event, locks=locks)
        await work.commit()
        return await work.finance_locks.locked()


async def locked_finance_months(uow: UnitOfWorkFactory) -> list[MonthLock]:
    async with uow() as work:
        return await work.finance_locks.locked()
