"""Real state changes that put events in the outbox: a customer registered, then renamed."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers import Customer
from persistence.unit_of_work import UnitOfWork


async def rename(engine: AsyncEngine, tenant: str, customer_id: str, name: str) -> str:
    """Register `customer_id` named `name`, or rename it if it exists, in a unit of work of
    its own; the id of the event that change recorded."""
    now = datetime.now(UTC)
    async with UnitOfWork(engine, tenant) as work:
        customer = await work.customers.get(customer_id)
        if customer is None:
            customer = Customer.register(tenant, now, id=customer_id, name=name)
            await work.customers.add(customer)
        else:
            customer.edit(tenant, now, name=name)
        recorded = customer.events[-1].event_id
        await work.commit()
    return recorded


async def renames(engine: AsyncEngine, tenant: str, count: int) -> list[str]:
    """Commit `count` changes of CUST-1 one unit of work each (n0, n1, ...); their event
    ids in commit order."""
    return [await rename(engine, tenant, "CUST-1", f"n{n}") for n in range(count)]
