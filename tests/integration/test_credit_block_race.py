"""A block and the work it refuses never pass each other on PostgreSQL: the check a new
order makes holds the customer's row until the order commits, so a block waits for the
orders already let through, and every order checked after the block committed is refused.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from domain.clock import ManualClock
from domain.identity import Principal
from domain.receivables.credit_control import BlockedCustomer
from persistence.unit_of_work import UnitOfWork
from resolvers.customers.use_cases import create_customer
from resolvers.receivables.credit_control import block_customer, customer_may_get_new_work


async def test_a_block_waits_for_the_order_let_through_and_refuses_the_next(
    uow: Callable[[], UnitOfWork], tenant: str
) -> None:
    clock = ManualClock(datetime(2026, 3, 2, 9, 30, tzinfo=UTC))
    customer = await create_customer(uow, clock, {"name": "Fleet Co"})
    controller = Principal("controller", tenant, frozenset({"*"}))
    async with uow() as order:
        await customer_may_get_new_work(order, customer.id)
        blocking = asyncio.create_task(
            block_customer(uow, clock, controller, customer.id, "Cheque bounced")
        )
        await asyncio.sleep(0.5)
        assert not blocking.done(), "the block must wait for the order it let through"
        await order.commit()
    standing = await asyncio.wait_for(blocking, 10)
    assert standing.block_reason == "Cheque bounced"
    async with uow() as late:
        with pytest.raises(BlockedCustomer) as refused:
            await customer_may_get_new_work(late, customer.id)
    assert refused.value.details == {"reason": "Cheque bounced"}


async def test_of_many_orders_racing_a_block_none_is_checked_after_it_and_let_through(
    uow: Callable[[], UnitOfWork], tenant: str
) -> None:
    clock = ManualClock(datetime(2026, 3, 2, 9, 30, tzinfo=UTC))
    customer = await create_customer(uow, clock, {"name": "Fleet Co"})
    controller = Principal("controller", tenant, frozenset({"*"}))
    block_committed: list[float] = []
    let_through: list[float] = []

    async def one_order() -> None:
        async with uow() as work:
            try:
                await customer_may_get_new_work(work, customer.id)
            except BlockedCustomer:
                return
            await asyncio.sleep(0.01)
            await work.commit()
            let_through.append(asyncio.get_running_loop().time())

    async def block() -> None:
        await block_customer(uow, clock, controller, customer.id, "Credit limit exceeded")
        block_committed.append(asyncio.get_running_loop().time())

    await asyncio.gather(
        *(one_order() for _ in range(10)), block(), *(one_order() for _ in range(10))
    )
    assert block_committed, "the block went through"
    assert all(at <= block_committed[0] for at in let_through)
