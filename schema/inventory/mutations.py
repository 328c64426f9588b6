"""Stock commands. Receive, issue, adjust and transfer take no version: they decide on the
latest figures under a row lock (docs/inventory.md); setReorderPoint takes the one read.
Each takes one input object, as every other area's mutations do."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from domain.identity import Permission
from resolvers.inventory import ledger
from schema.context import Info
from schema.inventory.types import StockChange, StockLevel, StockMovement, StockTransfer
from schema.permissions import requires


@strawberry.input
class ReceiveStockInput:
    sku: str
    location_id: strawberry.ID
    quantity: Decimal
    unit_cost: Decimal = strawberry.field(description="What one unit cost from the supplier.")
    reference: str | None = strawberry.field(
        default=None, description="Such as the purchase order or delivery note."
    )


@strawberry.input
class IssueStockInput:
    sku: str
    location_id: strawberry.ID
    quantity: Decimal
    reference: str | None = None
    unit_cost: Decimal | None = None


@strawberry.input
class AdjustStockInput:
    sku: str
    location_id: strawberry.ID
    quantity: Decimal = strawberry.field(description="The signed change: -2 for two damaged.")
    reason: str
    reference: str | None = None


@strawberry.input
class TransferStockInput:
    sku: str
    from_location_id: strawberry.ID
    to_location_id: strawberry.ID
    quantity: Decimal
    reference: str | None = None
    unit_cost: Decimal | None = None


@strawberry.input
class SetReorderPointInput:
    sku: str
    location_id: strawberry.ID
    reorder_point: Decimal
    version: int = strawberry.field(description="The version read; 0 for a pair never stocked.")
    lead_time_days: int | None = strawberry.field(
        default=None,
        description="Days a reorder takes to arrive here (0 to 365; customers see it as "
        "leadTime); none keeps the current one.",
    )


@strawberry.type
class StockMutations:
    @strawberry.mutation(
        description="Stock arrived at a location from a supplier; PART_NOT_FOUND or "
        "LOCATION_NOT_FOUND for what does not exist.",
        permission_classes=[requires(Permission.INVENTORY_WRITE)],
    )
    async def receive_stock(self, info: Info, input: ReceiveStockInput) -> StockChange:
        principal = info.context.require(Permission.INVENTORY_WRITE)
        return StockChange.of(
            await ledger.receive_stock(
                info.context.uow,
                info.context.clock,
                principal.user_id,
                input.sku,
                input.location_id,
                input.quantity,
                input.unit_cost,
                input.reference,
            )
        )

    @strawberry.mutation(
        description="Stock left a location (a counter sale, a job); more than available is "
        "INSUFFICIENT_STOCK with sku, locationId, available and requested in extensions.",
        permission_classes=[requires(Permission.INVENTORY_WRITE)],
    )
    async def issue_stock(self, info: Info, input: IssueStockInput) -> StockChange:
        principal = info.context.require(Permission.INVENTORY_WRITE)
        return StockChange.of(
            await ledger.issue_stock(
                info.context.uow,
                info.context.clock,
                principal.user_id,
                input.sku,
                input.location_id,
                input.quantity,
                input.reference,
                input.unit_cost,
            )
        )

    @strawberry.mutation(
        description="Correct on-hand after a count or damage: `quantity` is the signed "
        "change, `reason` is required; never below what is reserved.",
        permission_classes=[requires(Permission.INVENTORY_ADJUST)],
    )
    async def adjust_stock(self, info: Info, input: AdjustStockInput) -> StockChange:
        principal = info.context.require(Permission.INVENTORY_ADJUST)
        return StockChange.of(
            await ledger.adjust_stock(
                info.context.uow,
                info.context.clock,
                principal.user_id,
                input.sku,
                input.location_id,
                input.quantity,
                input.reason,
                input.reference,
            )
        )

    @strawberry.mutation(
        description="Move stock of a part to another location: both legs or neither.",
        permission_classes=[requires(Permission.INVENTORY_WRITE)],
    )
    async def transfer_stock(self, info: Info, input: TransferStockInput) -> StockTransfer:
        principal = info.context.require(Permission.INVENTORY_WRITE)
        source, target, out, into = await ledger.transfer_stock(
            info.context.uow,
            info.context.clock,
            principal.user_id,
            input.sku,
            input.from_location_id,
            input.to_location_id,
            input.quantity,
            input.reference,
            input.unit_cost,
        )
        return StockTransfer(
            out=StockMovement.from_domain(out),
            into=StockMovement.from_domain(into),
            source=StockLevel.from_domain(source),
            target=StockLevel.from_domain(target),
        )

    @strawberry.mutation(
        description="At or below this on-hand, the part publishes stock_shortage_alert; send "
        "the version read (0 for a pair never stocked).",
        permission_classes=[requires(Permission.INVENTORY_WRITE)],
    )
    async def set_reorder_point(self, info: Info, input: SetReorderPointInput) -> StockLevel:
        return StockLevel.from_domain(
            await ledger.set_reorder_point(
                info.context.uow,
                info.context.clock,
                input.sku,
                input.location_id,
                input.reorder_point,
                input.version,
                input.lead_time_days,
            )
        )
