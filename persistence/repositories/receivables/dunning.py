"""Dunning: the tenant's levels, the money past due by customer, and the notices sent.

A notice is claimed by inserting its row (keyed by customer and date) in the run's
transaction: of two runs for one date, the second waits on the first's row and then
finds it taken, so nobody is notified twice. The run itself is its notices: saving it
writes nothing more, and hands its events to the outbox.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select
from sqlalchemy.dialects.postgresql import insert as upsert

from domain.receivables.dunning import DunningLevel, DunningRun, PastDue
from domain.receivables.invoice import OPEN_STATUSES
from persistence.repositories.aggregates import AggregateRepository
from persistence.repositories.base import TenantRepository, of_tenant, one_of
from persistence.tables import dunning_levels, dunning_notices, invoices

LEVEL, NOTICE, INVOICE = dunning_levels.c, dunning_notices.c, invoices.c
LEVELS = select(LEVEL.level, LEVEL.days_overdue).where(of_tenant(dunning_levels))
DROP_LEVELS = delete(dunning_levels).where(of_tenant(dunning_levels))
ADD_LEVEL = insert(dunning_levels)
PAST_DUE = (
    select(
        INVOICE.customer_id,
        func.sum(INVOICE.open_balance).label("amount"),
        func.min(INVOICE.due_date).label("oldest_due_date"),
    )
    .where(
        of_tenant(invoices),
        one_of(INVOICE.status, [status.value for status in OPEN_STATUSES]),
        INVOICE.due_date < bindparam("as_of"),
        INVOICE.open_balance > 0,
    )
    .group_by(INVOICE.customer_id)
    .order_by(INVOICE.customer_id)
)
CLAIM = (
    upsert(dunning_notices)
    .on_conflict_do_nothing(index_elements=[NOTICE.tenant_id, NOTICE.customer_id, NOTICE.as_of])
    .returning(NOTICE.customer_id)
)


class DunningSetup(TenantRepository):
    table = dunning_levels

    async def levels(self) -> list[DunningLevel]:
        """The tenant's own levels (none if it keeps the defaults)."""
        return [DunningLevel(**row) for row in await self._rows(LEVELS)]

    async def replace_levels(self, levels: tuple[DunningLevel, ...]) -> None:
        await self._run(DROP_LEVELS)
        await self._run_many(
            ADD_LEVEL,
            [{"level": level.level, "days_overdue": level.days_overdue} for level in levels],
        )

    async def past_due(self, as_of: date) -> list[PastDue]:
        """Each customer's open invoices due before `as_of`: the sum, the oldest date."""
        return [
            PastDue(row["customer_id"], Decimal(row["amount"]), row["oldest_due_date"])
            for row in await self._rows(PAST_DUE, as_of=as_of)
        ]


class DunningRunRepository(AggregateRepository[DunningRun]):
    table = dunning_notices
    noun = "Dunning run"

    async def add(self, run: DunningRun) -> None:
        self.track_new(run)

    async def claim(
        self, run_id: str, customer_id: str, as_of: date, level: str, amount: Decimal
    ) -> bool:
        """Take the customer's notice for `as_of`; False if a run took it already."""
        taken = await self._value(
            CLAIM,
            customer_id=customer_id,
            as_of=as_of,
            run_id=run_id,
            level=level,
            past_due_amount=amount,
        )
        return taken is not None

    async def _read(self, aggregate_id: str, lock: bool) -> DunningRun | None:
        return None

    def _stored_form(self, run: DunningRun) -> int:
        return len(run.notices)

    async def _save(self, run: DunningRun, before: Any) -> None:
        """Nothing to write: each notice was stored as it was claimed."""
