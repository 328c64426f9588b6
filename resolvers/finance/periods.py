"""Financial period use cases: record a close Period Close reports, list the closed ones."""

from __future__ import annotations

import logging

from domain.finance.periods import FinancialPeriod, PeriodClosed
from persistence.unit_of_work import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger("gateway.finance")


async def close_financial_period(uow: UnitOfWork, fact: PeriodClosed) -> None:
    """Apply a FinancialPeriodClosedEvent: the period is closed from now on.

    A period closed before stays as it was (the first close counts), so a re-sent
    event with a new id is harmless too. A period the domain refuses raises, and the
    inbound consumer retries and then dead-letters the event.
    """
    period = fact.period()
    if not await uow.financial_periods.record_closed(period):
        log.info("financial period %s of %s was already closed", period.period_id, uow.tenant_id)


async def closed_financial_periods(uow: UnitOfWorkFactory) -> list[FinancialPeriod]:
    async with uow() as work:
        return await work.financial_periods.closed()
