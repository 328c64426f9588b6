"""Credit control's reads and writes: a customer's standing (limit and block) on their
row, and what they owe on account and have on order.

The standing is read `FOR SHARE` by every use case that gives a customer new work
(`held`), and written by a version-checked UPDATE of the same row when credit control
blocks or unblocks them: a block waits for the orders being taken to commit, and an
order taken after a block committed reads the block. No order slips past one.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, func, literal, select, update

from domain.customers import CustomerNotFound
from domain.receivables.accounts import DEFAULT_ACCOUNTS, AccountRole
from domain.receivables.credit_control import CreditStanding
from domain.service_orders.status import ServiceOrderStatus
from persistence.repositories.aggregates import AggregateRepository
from persistence.repositories.base import TenantRepository, of_tenant, one_of_param
from persistence.tables import (
    customers,
    gl_accounts,
    journal_lines,
    service_order_items,
    service_orders,
)

CUSTOMER, JOURNAL = customers.c, journal_lines.c
ORDER, ITEM = service_orders.c, service_order_items.c
COLUMNS = (
    CUSTOMER.id,
    CUSTOMER.credit_limit,
    CUSTOMER.credit_block_reason.label("block_reason"),
    CUSTOMER.credit_blocked_at.label("blocked_at"),
    CUSTOMER.credit_blocked_by.label("blocked_by"),
    CUSTOMER.credit_unblock_reason.label("unblock_reason"),
    CUSTOMER.credit_unblocked_at.label("unblocked_at"),
    CUSTOMER.credit_unblocked_by.label("unblocked_by"),
    CUSTOMER.credit_version.label("version"),
)
STANDING = select(*COLUMNS).where(of_tenant(customers), CUSTOMER.id == bindparam("id"))
LIMITED = (
    select(CUSTOMER.id)
    .where(
        of_tenant(customers),
        CUSTOMER.credit_limit.is_not(None),
        CUSTOMER.credit_block_reason.is_(None),
    )
    .order_by(CUSTOMER.id)
)
MANY = select(*COLUMNS).where(of_tenant(customers), one_of_param(CUSTOMER.id, "ids"))
LOCKED = STANDING.with_for_update()
HELD = STANDING.with_for_update(read=True)
SAVE = (
    update(customers)
    .where(
        of_tenant(customers),
        CUSTOMER.id == bindparam("key_id"),
        CUSTOMER.credit_version == bindparam("key_version"),
    )
    .values(
        credit_block_reason=bindparam("block_reason"),
        credit_blocked_at=bindparam("blocked_at"),
        credit_blocked_by=bindparam("blocked_by"),
        credit_unblock_reason=bindparam("unblock_reason"),
        credit_unblocked_at=bindparam("unblocked_at"),
        credit_unblocked_by=bindparam("unblocked_by"),
        credit_version=CUSTOMER.credit_version + 1,
    )
    .returning(CUSTOMER.credit_version.label("version"))
)
WRITTEN = (
    "block_reason",
    "blocked_at",
    "blocked_by",
    "unblock_reason",
    "unblocked_at",
    "unblocked_by",
)
RECEIVABLES_ACCOUNT = func.coalesce(
    select(gl_accounts.c.number)
    .where(of_tenant(gl_accounts), gl_accounts.c.role == AccountRole.RECEIVABLES.value)
    .scalar_subquery(),
    literal(DEFAULT_ACCOUNTS[AccountRole.RECEIVABLES].number),
)
OWED = (
    select(func.coalesce(func.sum(JOURNAL.debit - JOURNAL.credit), 0))
    .where(
        of_tenant(journal_lines),
        JOURNAL.customer_id == bindparam("customer_id"),
        JOURNAL.account == RECEIVABLES_ACCOUNT,
    )
    .scalar_subquery()
)
UNBILLED = (
    select(func.coalesce(func.sum(func.round(ITEM.quantity * ITEM.unit_price, 2)), 0))
    .select_from(
        service_order_items.join(
            service_orders,
            (ORDER.tenant_id == ITEM.tenant_id) & (ORDER.id == ITEM.service_order_id),
        )
    )
    .where(
        of_tenant(service_order_items),
        ORDER.customer_id == bindparam("customer_id"),
        ORDER.status != ServiceOrderStatus.BILLED.value,
        ORDER.status != ServiceOrderStatus.CANCELLED.value,
    )
    .scalar_subquery()
)
OPEN_RECEIVABLE = select(OWED + UNBILLED)


class ReceivableRepository(TenantRepository):
    """What a customer owes and has on service order, for their credit."""

    table = journal_lines

    async def open_receivable(self, customer_id: str) -> Decimal:
        """Their receivables balance in the journal (open invoices less credits and cash
        on account) plus their service orders not yet billed, at their items' prices (an
        order with no estimate is priced only when billed)."""
        return Decimal(await self._value(OPEN_RECEIVABLE, customer_id=customer_id))


class CreditStandingRepository(AggregateRepository[CreditStanding]):
    table = customers
    noun = "Customer"

    def not_found(self, aggregate_id: str) -> CustomerNotFound:
        return CustomerNotFound(f"Customer '{aggregate_id}' was not found.", field="customerId")

    async def held(self, customer_id: str) -> CreditStanding | None:
        """The standing, its row held (`FOR SHARE`) until commit: no block commits
        between this read and the commit of the work it lets through."""
        row = await self._row(HELD, id=customer_id)
        return None if row is None else self.track(self._standing(row))

    async def get_many(self, customer_ids: Sequence[str]) -> dict[str, CreditStanding]:
        """The standings of these customers (to read only), by id; unknown ones left out."""
        rows = await self._rows(MANY, ids=list(customer_ids))
        return {row["id"]: self._standing(row) for row in rows}

    async def limited(self) -> list[str]:
        """The customers with a credit limit who are not blocked, by id."""
        return [row["id"] for row in await self._rows(LIMITED)]

    async def _read(self, aggregate_id: str, lock: bool) -> CreditStanding | None:
        row = await self._row(LOCKED if lock else STANDING, id=aggregate_id)
        return None if row is None else self._standing(row)

    def _standing(self, row: Any) -> CreditStanding:
        return CreditStanding(tenant_id=self.tenant_id, **row)

    def _stored_form(self, standing: CreditStanding) -> tuple[Any, ...]:
        return tuple(getattr(standing, name) for name in WRITTEN)

    async def _save(self, standing: CreditStanding, before: Any) -> None:
        version = await self._value(
            SAVE,
            key_id=standing.id,
            key_version=standing.version,
            **{name: getattr(standing, name) for name in WRITTEN},
        )
        if version is None:
            raise self.stale(standing.id, standing.version)
        standing.version = version
