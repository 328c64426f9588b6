"""Credit control in the graph: a customer's standing, write-offs, credit memos, dunning
runs and levels."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry

from domain.identity import Permission
from domain.receivables import credit_control, credit_memo, dunning, write_off
from resolvers.receivables import invoices
from schema.context import Info
from schema.customers.types import Customer
from schema.permissions import requires
from schema.receivables.types import Invoice, JournalEntry

WriteOffStatus = strawberry.enum(write_off.WriteOffStatus, name="WriteOffStatus")


@strawberry.type
class OfCustomer:
    """A credit document's customer, as its id and as the customer."""

    customer_id: strawberry.ID

    @strawberry.field(
        description="The customer.", permission_classes=[requires(Permission.CUSTOMER_READ)]
    )
    async def customer(self, info: Info) -> Customer | None:
        found = await info.context.loaders.customer_by_id.load(str(self.customer_id))
        return None if found is None else Customer.from_domain(found)


async def invoice_of(info: Info, invoice_id: strawberry.ID | None) -> Invoice | None:
    if invoice_id is None:
        return None
    return Invoice.from_domain(await invoices.invoice(info.context.uow, str(invoice_id)))


@strawberry.type(description="A customer's block: whether new work is refused, and why.")
class CreditStanding(OfCustomer):
    credit_limit: Decimal | None = strawberry.field(description="null: no limit.")
    blocked: bool
    blocked_reason: str | None
    blocked_at: datetime | None
    blocked_by: str | None
    unblock_reason: str | None = strawberry.field(
        description="Why the customer was last unblocked (until blocked again)."
    )
    unblocked_at: datetime | None
    unblocked_by: str | None

    @classmethod
    def from_domain(cls, s: credit_control.CreditStanding) -> CreditStanding:
        return cls(
            customer_id=strawberry.ID(s.id),
            credit_limit=s.credit_limit,
            blocked=s.blocked,
            blocked_reason=s.block_reason,
            blocked_at=s.blocked_at,
            blocked_by=s.blocked_by,
            unblock_reason=s.unblock_reason,
            unblocked_at=s.unblocked_at,
            unblocked_by=s.unblocked_by,
        )


@strawberry.type(description="An invoice's open balance proposed, then approved, as bad debt.")
class WriteOff(OfCustomer):
    write_off_id: strawberry.ID
    invoice_id: strawberry.ID
    amount: Decimal = strawberry.field(description="The invoice's open balance when proposed.")
    reason: str
    status: WriteOffStatus
    proposed_by: str
    proposed_at: datetime
    approved_by: str | None
    approved_at: datetime | None
    journal: list[JournalEntry] = strawberry.field(
        description="Dr Bad Debt Expense / Cr Accounts Receivable, once approved."
    )
    version: int = strawberry.field(description="Send back with approveWriteOff.")

    @strawberry.field(
        description="The invoice written off.",
        permission_classes=[requires(Permission.INVOICE_READ)],
    )
    async def invoice(self, info: Info) -> Invoice | None:
        return await invoice_of(info, self.invoice_id)

    @classmethod
    def from_domain(cls, w: write_off.WriteOff) -> WriteOff:
        return cls(
            write_off_id=strawberry.ID(w.id),
            invoice_id=strawberry.ID(w.invoice_id),
            customer_id=strawberry.ID(w.customer_id),
            amount=w.amount,
            reason=w.reason,
            status=w.status,
            proposed_by=w.proposed_by,
            proposed_at=w.proposed_at,
            approved_by=w.approved_by,
            approved_at=w.approved_at,
            journal=[JournalEntry.from_domain(e) for e in w.journal],
            version=w.version,
        )


@strawberry.type(description="Money credited to a customer, against an invoice or on account.")
class CreditMemo(OfCustomer):
    credit_memo_id: strawberry.ID
    invoice_id: strawberry.ID | None = strawberry.field(description="null: on account.")
    amount: Decimal
    currency: str
    reason: str
    issued_by: str
    issued_at: datetime
    claim_id: str | None = strawberry.field(description="The rebate claim it settles, if any.")
    journal: list[JournalEntry] = strawberry.field(
        description="Dr Sales Returns / Cr Accounts Receivable."
    )

    @strawberry.field(
        description="The invoice credited; null on account.",
        permission_classes=[requires(Permission.INVOICE_READ)],
    )
    async def invoice(self, info: Info) -> Invoice | None:
        return await invoice_of(info, self.invoice_id)

    @classmethod
    def from_domain(cls, m: credit_memo.CreditMemo) -> CreditMemo:
        return cls(
            credit_memo_id=strawberry.ID(m.id),
            customer_id=strawberry.ID(m.customer_id),
            invoice_id=strawberry.ID(m.invoice_id) if m.invoice_id else None,
            amount=m.amount,
            currency=m.currency,
            reason=m.reason,
            issued_by=m.issued_by,
            issued_at=m.issued_at,
            claim_id=m.claim_id,
            journal=[JournalEntry.from_domain(e) for e in m.journal],
        )


@strawberry.type(description="A dunning level: from how many days overdue it applies.")
class DunningLevel:
    level: str
    days_overdue: int
    blocks: bool = strawberry.field(description="The last level also blocks the customer.")

    @classmethod
    def all(cls, levels: tuple[dunning.DunningLevel, ...]) -> list[DunningLevel]:
        return [
            cls(level=lv.level, days_overdue=lv.days_overdue, blocks=lv == levels[-1])
            for lv in levels
        ]


@strawberry.input(description="A dunning level: its name and from how many days overdue.")
class DunningLevelInput:
    level: str
    days_overdue: int

    def to_domain(self) -> dunning.DunningLevel:
        return dunning.DunningLevel(self.level, self.days_overdue)


@strawberry.type(description="One customer's notice of a dunning run.")
class DunningNotice(OfCustomer):
    dunning_level: str
    past_due_amount: Decimal


@strawberry.type(description="A dunning run: the notices it sent (none twice for a date).")
class DunningRun:
    dunning_run_id: strawberry.ID
    as_of_date: date
    notices: list[DunningNotice]

    @classmethod
    def from_domain(cls, run: dunning.DunningRun) -> DunningRun:
        return cls(
            dunning_run_id=strawberry.ID(run.id),
            as_of_date=run.as_of,
            notices=[
                DunningNotice(
                    customer_id=strawberry.ID(n.customer_id),
                    dunning_level=n.dunning_level,
                    past_due_amount=n.past_due_amount,
                )
                for n in run.notices
            ],
        )
