"""A tenant repository's statements run for the unit of work's tenant, and only for it:
the executor fills the tenant in, and refuses a statement that does not name one."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers import Customer
from domain.paging import PageRequest
from persistence.driver import UntenantedStatement
from persistence.repositories.customers.repository import CUSTOMER_BY_ID
from persistence.tables import customers
from persistence.unit_of_work import UnitOfWork


@pytest.fixture
async def other_tenants_customer(engine: AsyncEngine) -> tuple[str, str]:
    """A customer of another tenant, committed: (its tenant, its id)."""
    other = f"other-{uuid.uuid4().hex[:8]}"
    async with UnitOfWork(engine, other) as work:
        await work.customers.add(Customer(id="CUST-OTHER", name="Someone Else's"))
        await work.commit()
    return other, "CUST-OTHER"


async def test_a_statement_naming_no_tenant_is_refused_before_it_runs(
    engine: AsyncEngine, tenant: str, other_tenants_customer: tuple[str, str]
) -> None:
    async with UnitOfWork(engine, tenant) as work:
        with pytest.raises(UntenantedStatement, match="of_tenant"):
            await work.customers._rows(select(customers.c.id))
        with pytest.raises(UntenantedStatement):
            await work.customers._rows(
                select(customers.c.id).where(customers.c.tenant_id == other_tenants_customer[0])
            )
        assert await work.customers.count(None) >= 0, "the transaction is still usable"


async def test_a_tenant_repository_cannot_read_another_tenants_row(
    engine: AsyncEngine, tenant: str, other_tenants_customer: tuple[str, str]
) -> None:
    other, customer_id = other_tenants_customer
    async with UnitOfWork(engine, tenant) as work:
        assert await work.customers.get(customer_id) is None
        assert not await work.customers.exists(customer_id)
        assert await work.customers.get_many([customer_id]) == {}
        found = await work.customers.search("Someone Else", PageRequest(0, 20))
        assert [c.id for c in found] == []
        assert await work.customers._rows(CUSTOMER_BY_ID, id=customer_id, tenant_id=other) == [], (
            "a tenant passed by the caller is replaced by the unit of work's"
        )

    async with UnitOfWork(engine, other) as work:
        assert (await work.customers.get(customer_id)) is not None, "its own tenant reads it"
        found = await work.customers.search("Someone Else", PageRequest(0, 20))
        assert [c.id for c in found] == [customer_id]
