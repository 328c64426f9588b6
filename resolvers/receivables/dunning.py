"""Dunning runs and the tenant's dunning levels (domain/receivables/dunning.py).

A run claims each customer's notice for its date before recording it, in its own
transaction, so two runs of one date (at once or one after the other) notify each
customer once. A customer reaching the last level is blocked in the same transaction.
The run is also the periodic credit review: every customer with a credit limit whose
exposure has grown over it since (invoices posted, orders opened) is blocked too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from domain.clock import Clock
from domain.identity import Principal
from domain.receivables.dunning import (
    DEFAULT_LEVELS,
    DunningLevel,
    DunningRun,
    PastDue,
    check_levels,
)
from resolvers.changes import existing
from resolvers.ports import UnitOfWork, UnitOfWorkFactory
from resolvers.receivables.credit_control import review_credit

RUN_SERIES = "DR"


async def run_dunning(
    uow: UnitOfWorkFactory, clock: Clock, by: Principal, as_of: date
) -> DunningRun:
    """Notify each customer with money past due on `as_of` not yet notified for it."""
    now = clock.now()
    async with uow() as work:
        run = DunningRun(
            await work.naming.next_id(RUN_SERIES),
            work.tenant_id,
            as_of,
            await levels_of(work),
            now,
        )
        past_due = {due.customer_id: due for due in await work.dunning.past_due(as_of)}
        limited = set(await work.credit_standings.limited())
        for customer_id in sorted(past_due.keys() | limited):  # rows locked in one order
            blocked = customer_id in past_due and await _notify(
                work, run, past_due[customer_id], by.user_id
            )
            if customer_id in limited and not blocked:
                await review_credit(work, customer_id, now, by.user_id)
        await work.dunning_runs.add(run)
        await work.commit()
        return run


async def _notify(work: UnitOfWork, run: DunningRun, past_due: PastDue, by: str) -> bool:
    """The customer's notice of the level reached, unless a run sent them one for the
    date; the last level blocks them (True)."""
    level = run.level_of(past_due)
    if level is None or not await work.dunning_runs.claim(
        run.id, past_due.customer_id, run.as_of, level.level, past_due.amount
    ):
        return False
    run.notify(past_due, level)
    if not run.is_last(level):
        return False
    standing = await existing(work.credit_standings, past_due.customer_id, lock=True)
    standing.block(f"Dunning level {level.level} reached", run.ran_at, by)
    return True


async def levels_of(work: UnitOfWork) -> tuple[DunningLevel, ...]:
    """The tenant's levels in order of days overdue, else the defaults."""
    own = await work.dunning.levels()
    return check_levels(own) if own else DEFAULT_LEVELS


async def dunning_levels(uow: UnitOfWorkFactory) -> tuple[DunningLevel, ...]:
    async with uow() as work:
        return await levels_of(work)


async def set_dunning_levels(
    uow: UnitOfWorkFactory, levels: Sequence[DunningLevel]
) -> tuple[DunningLevel, ...]:
    """Replace the tenant's levels (the last, most days, blocks); runs from now on."""
    ordered = check_levels(levels)
    async with uow() as work:
        await work.dunning.replace_levels(ordered)
        await work.commit()
        return ordered
