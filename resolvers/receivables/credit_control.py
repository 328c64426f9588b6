"""Credit control: credit limits, blocks, and the one check that refuses a blocked
customer new work.

`customer_may_get_new_work` is called by each use case that gives a customer new work
(opening a service order, approving an estimate, taking a sales order), inside that
use case's transaction: it holds the customer's row until commit, so a block and an
order never pass each other (persistence/repositories/receivables/credit_control.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from domain.clock import Clock
from domain.customers import Customer
from domain.errors import InvalidInput
from domain.identity import Principal
from domain.inventory.credit import check_credit_limit
from domain.receivables.credit_control import CreditStanding, Exposure, OrderCreditImpact
from resolvers.changes import changing, existing
from resolvers.ports import UnitOfWork, UnitOfWorkFactory


async def customer_may_get_new_work(work: UnitOfWork, customer_id: str) -> None:
    """CUSTOMER_BLOCKED, with the reason, if the customer is blocked; their row stays
    held until the caller's commit. An unknown customer is left to the caller."""
    standing = await work.credit_standings.held(customer_id)
    if standing is not None:
        standing.refuse_new_work()


async def exposure(work: UnitOfWork, customer_id: str) -> Exposure:
    """What the customer owes on account and has on order, not yet invoiced."""
    on_account_and_service = await work.receivables.open_receivable(customer_id)
    return Exposure(on_account_and_service, await work.sales_orders.open_value(customer_id))


async def set_credit_limit(
    uow: UnitOfWorkFactory,
    clock: Clock,
    by: Principal,
    customer_id: str,
    credit_limit: Decimal | None,
    version: int,
) -> Customer:
    """Set the limit (None: no limit); a customer whose exposure is over the new limit
    is blocked in the same transaction ("Credit limit exceeded")."""
    problem = check_credit_limit(credit_limit)
    if problem is not None:
        raise problem
    now = clock.now()
    async with uow() as work:
        async with changing(work.customers, customer_id, version) as customer:
            customer.edit(work.tenant_id, now, credit_limit=credit_limit)
        standing = await existing(work.credit_standings, customer_id, lock=True)
        standing.credit_limit = credit_limit
        standing.review(await exposure(work, customer_id), now, by.user_id)
        await work.commit()
        return customer


async def review_credit(work: UnitOfWork, customer_id: str, at: datetime, by: str) -> None:
    """Block the customer, in `work`'s transaction, if their exposure is over their limit."""
    standing = await existing(work.credit_standings, customer_id, lock=True)
    standing.review(await exposure(work, customer_id), at, by)


async def block_customer(
    uow: UnitOfWorkFactory, clock: Clock, by: Principal, customer_id: str, reason: str
) -> CreditStanding:
    """Refuse the customer new work from now on, saying why (CustomerBlockedEvent)."""
    async with uow() as work:
        async with changing(work.credit_standings, customer_id, None, lock=True) as standing:
            standing.block(reason, clock.now(), by.user_id)
        await work.commit()
        return standing


async def unblock_customer(
    uow: UnitOfWorkFactory, clock: Clock, by: Principal, customer_id: str, reason: str
) -> CreditStanding:
    """Let the customer have new work again, saying why (kept until the next block)."""
    async with uow() as work:
        async with changing(work.credit_standings, customer_id, None, lock=True) as standing:
            standing.unblock(reason, clock.now(), by.user_id)
        await work.commit()
        return standing


async def credit_impact(
    uow: UnitOfWorkFactory, customer_id: str, amount: Decimal
) -> OrderCreditImpact:
    """Whether an order worth `amount` can proceed (seed 004's rule; never if blocked)."""
    problem = check_credit_limit(amount)
    if problem is not None:
        raise InvalidInput(
            f"Enter the order's amount in cents, 0 or more; got {amount}.", field="amount"
        )
    async with uow() as work:
        standing = await existing(work.credit_standings, customer_id)
        return OrderCreditImpact(
            customer_id,
            amount,
            standing.credit_limit,
            await exposure(work, customer_id),
            standing.block_reason,
        )


async def standings_by_id(
    uow: UnitOfWorkFactory, customer_ids: Sequence[str]
) -> list[CreditStanding | None]:
    """Batch for `Customer.blocked`: each customer's standing, None if unknown."""
    async with uow() as work:
        found = await work.credit_standings.get_many(customer_ids)
    return [found.get(i) for i in customer_ids]
