"""Credit control's queries: write-offs, credit memos, dunning levels."""

from __future__ import annotations

import strawberry

from domain.identity import Permission
from resolvers.receivables import credit_memos, dunning, write_offs
from schema.context import Info
from schema.permissions import requires
from schema.receivables.credit_types import CreditMemo, DunningLevel, WriteOff

READ = [requires(Permission.INVOICE_READ)]


@strawberry.type
class CreditControlQueries:
    @strawberry.field(description="One write-off by id.", permission_classes=READ)
    async def write_off(self, info: Info, id: strawberry.ID) -> WriteOff:
        return WriteOff.from_domain(await write_offs.write_off(info.context.uow, id))

    @strawberry.field(description="One credit memo by id.", permission_classes=READ)
    async def credit_memo(self, info: Info, id: strawberry.ID) -> CreditMemo:
        return CreditMemo.from_domain(await credit_memos.credit_memo(info.context.uow, id))

    @strawberry.field(
        description="Your dunning levels in order (the defaults unless you set your own).",
        permission_classes=READ,
    )
    async def dunning_levels(self, info: Info) -> list[DunningLevel]:
        return DunningLevel.all(await dunning.dunning_levels(info.context.uow))
