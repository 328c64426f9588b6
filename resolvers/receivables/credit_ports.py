"""What credit control asks of its repositories (dunning, write-offs and credit memos
add theirs here)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Protocol

from domain.receivables.credit_control import CreditStanding
from domain.receivables.credit_memo import CreditMemo
from domain.receivables.dunning import DunningLevel, DunningRun, PastDue
from domain.receivables.write_off import WriteOff
from resolvers.changes import Changeable


class CreditStandingStore(Changeable[CreditStanding], Protocol):
    async def held(self, customer_id: str) -> CreditStanding | None:
        """The customer's standing, their row held until commit so that no block commits
        between this read and the commit of the work it lets through; None if this
        tenant has no such customer."""
        ...

    async def get_many(self, customer_ids: Sequence[str]) -> dict[str, CreditStanding]:
        """The standings of these customers (to read only), by id."""
        ...

    async def limited(self) -> list[str]:
        """The customers with a credit limit who are not blocked, by id."""
        ...


class WriteOffStore(Changeable[WriteOff], Protocol):
    async def add(self, write_off: WriteOff) -> None: ...


class CreditMemoStore(Changeable[CreditMemo], Protocol):
    async def add(self, memo: CreditMemo) -> None:
        """Store a new memo at commit; an id taken already is refused then."""
        ...


class DunningSetupStore(Protocol):
    async def levels(self) -> list[DunningLevel]:
        """The tenant's own levels (empty: it keeps the defaults)."""
        ...

    async def replace_levels(self, levels: tuple[DunningLevel, ...]) -> None: ...

    async def past_due(self, as_of: date) -> list[PastDue]:
        """Each customer's open invoices due before `as_of`: the sum, the oldest date."""
        ...


class DunningRunStore(Protocol):
    async def add(self, run: DunningRun) -> None: ...

    async def claim(
        self, run_id: str, customer_id: str, as_of: date, level: str, amount: Decimal
    ) -> bool:
        """Take the customer's notice for `as_of` inside the unit's transaction; False if
        another run took it (that run's commit is waited for)."""
        ...


class CreditControlWork(Protocol):
    @property
    def credit_standings(self) -> CreditStandingStore: ...

    @property
    def write_offs(self) -> WriteOffStore: ...

    @property
    def credit_memos(self) -> CreditMemoStore: ...

    @property
    def dunning(self) -> DunningSetupStore: ...

    @property
    def dunning_runs(self) -> DunningRunStore: ...
