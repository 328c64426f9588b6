"""Write-offs: proposed by one user, approved by another (domain/receivables/write_off.py)."""

from __future__ import annotations

from domain.clock import Clock
from domain.identity import Principal
from domain.receivables.write_off import WriteOff
from resolvers.changes import changing, existing
from resolvers.ports import UnitOfWorkFactory

WRITE_OFF_SERIES = "WO"


async def propose_write_off(
    uow: UnitOfWorkFactory, clock: Clock, by: Principal, invoice_id: str, reason: str
) -> WriteOff:
    """Propose writing off the invoice's open balance; nothing is posted yet."""
    async with uow() as work:
        invoice = await existing(work.invoices, invoice_id)
        proposal = WriteOff.propose(
            await work.naming.next_id(WRITE_OFF_SERIES), invoice, reason, clock.now(), by.user_id
        )
        await work.write_offs.add(proposal)
        await work.commit()
        return proposal


async def approve_write_off(
    uow: UnitOfWorkFactory, clock: Clock, by: Principal, write_off_id: str, version: int
) -> WriteOff:
    """Approve another user's proposal: the invoice is WRITTEN_OFF, Dr 6500 / Cr 1200."""
    async with uow() as work:
        async with changing(work.write_offs, write_off_id, version) as proposal:
            invoice = await existing(work.invoices, proposal.invoice_id, lock=True)
            proposal.approve(
                invoice,
                clock.now(),
                by.user_id,
                await work.chart_of_accounts.chart(),
                await work.financial_periods.closed(),
            )
        await work.commit()
        return proposal


async def write_off(uow: UnitOfWorkFactory, write_off_id: str) -> WriteOff:
    async with uow() as work:
        return await existing(work.write_offs, write_off_id)
