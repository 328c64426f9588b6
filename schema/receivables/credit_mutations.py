"""Credit control's mutations: limits and blocks, dunning, write-offs, credit memos."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from domain.identity import Permission
from resolvers.receivables import credit_control, credit_memos, dunning, write_offs
from schema.context import Info
from schema.customers.types import Customer
from schema.permissions import requires
from schema.receivables.credit_types import (
    CreditMemo,
    CreditStanding,
    DunningLevel,
    DunningLevelInput,
    DunningRun,
    WriteOff,
)
from schema.receivables.mutations import Version

CREDIT = [requires(Permission.CREDIT_CONTROL)]
BLOCK = [requires(Permission.CUSTOMER_BLOCK)]
INVOICE_WRITE = [requires(Permission.INVOICE_WRITE)]


@strawberry.type
class CreditControlMutations:
    @strawberry.mutation(
        description="Set the customer's credit limit (null: none). A customer whose "
        "exposure is over the new limit is blocked at once ('Credit limit exceeded').",
        permission_classes=CREDIT,
    )
    async def set_credit_limit(
        self,
        info: Info,
        customer_id: strawberry.ID,
        credit_limit: Decimal | None,
        version: Version,
    ) -> Customer:
        customer = await credit_control.set_credit_limit(
            info.context.uow,
            info.context.clock,
            info.context.require(Permission.CREDIT_CONTROL),
            customer_id,
            credit_limit,
            version,
        )
        return Customer.from_domain(customer)

    @strawberry.mutation(
        description="Refuse the customer new work (service orders, estimate approvals, sales "
        "orders: CUSTOMER_BLOCKED) until unblocked; publishes CustomerBlockedEvent.",
        permission_classes=BLOCK,
    )
    async def block_customer(
        self, info: Info, customer_id: strawberry.ID, reason: str
    ) -> CreditStanding:
        standing = await credit_control.block_customer(
            info.context.uow,
            info.context.clock,
            info.context.require(Permission.CUSTOMER_BLOCK),
            customer_id,
            reason,
        )
        return CreditStanding.from_domain(standing)

    @strawberry.mutation(
        description="Let a blocked customer have new work again, saying why.",
        permission_classes=BLOCK,
    )
    async def unblock_customer(
        self, info: Info, customer_id: strawberry.ID, reason: str
    ) -> CreditStanding:
        standing = await credit_control.unblock_customer(
            info.context.uow,
            info.context.clock,
            info.context.require(Permission.CUSTOMER_BLOCK),
            customer_id,
            reason,
        )
        return CreditStanding.from_domain(standing)

    @strawberry.mutation(
        description="Send each customer with money past due on asOf (default today, UTC) "
        "the notice of the level their oldest past-due invoice reached; nobody twice for "
        "one date. The last level blocks the customer.",
        permission_classes=CREDIT,
    )
    async def run_dunning(self, info: Info, as_of: date | None = None) -> DunningRun:
        run = await dunning.run_dunning(
            info.context.uow,
            info.context.clock,
            info.context.require(Permission.CREDIT_CONTROL),
            as_of or info.context.clock.now().date(),
        )
        return DunningRun.from_domain(run)

    @strawberry.mutation(
        description="Replace your dunning levels (the one with the most days blocks).",
        permission_classes=CREDIT,
    )
    async def set_dunning_levels(
        self, info: Info, levels: list[DunningLevelInput]
    ) -> list[DunningLevel]:
        ordered = await dunning.set_dunning_levels(
            info.context.uow, [level.to_domain() for level in levels]
        )
        return DunningLevel.all(ordered)

    @strawberry.mutation(
        description="Propose writing off an open invoice's open balance; another user approves it.",
        permission_classes=INVOICE_WRITE,
    )
    async def propose_write_off(
        self, info: Info, invoice_id: strawberry.ID, reason: str
    ) -> WriteOff:
        proposal = await write_offs.propose_write_off(
            info.context.uow,
            info.context.clock,
            info.context.require(Permission.INVOICE_WRITE),
            invoice_id,
            reason,
        )
        return WriteOff.from_domain(proposal)

    @strawberry.mutation(
        description="Approve another user's write-off (your own is WRITE_OFF_SELF_APPROVAL): "
        "Dr 6500 / Cr 1200, the invoice WRITTEN_OFF.",
        permission_classes=[requires(Permission.WRITE_OFF_APPROVE)],
    )
    async def approve_write_off(
        self, info: Info, write_off_id: strawberry.ID, version: Version
    ) -> WriteOff:
        approved = await write_offs.approve_write_off(
            info.context.uow,
            info.context.clock,
            info.context.require(Permission.WRITE_OFF_APPROVE),
            write_off_id,
            version,
        )
        return WriteOff.from_domain(approved)

    @strawberry.mutation(
        description="Credit the customer against an invoice (at most its open balance, in "
        "its currency) or on account (currency required): Dr 4900 / Cr 1200.",
        permission_classes=INVOICE_WRITE,
    )
    async def issue_credit_memo(
        self,
        info: Info,
        customer_id: strawberry.ID,
        amount: Decimal,
        reason: str,
        invoice_id: strawberry.ID | None = None,
        currency: str | None = None,
    ) -> CreditMemo:
        memo = await credit_memos.issue_credit_memo(
            info.context.uow,
            info.context.clock,
            info.context.require(Permission.INVOICE_WRITE),
            customer_id,
            invoice_id,
            amount,
            currency,
            reason,
        )
        return CreditMemo.from_domain(memo)
