"""The pipeline's hold on stock (seed 004's `OpportunityInventoryReport`): the open
opportunities, the value of what they hold, by stage, and what they hold of each SKU
at each location."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from domain.sales.opportunities import CLOSED, Opportunity, OpportunityStage


@dataclass(frozen=True, slots=True)
class StageTally:
    count: int
    allocated_value: Decimal


@dataclass(frozen=True, slots=True)
class SkuAllocation:
    sku: str
    location_id: str
    quantity: Decimal
    value: Decimal


@dataclass(frozen=True, slots=True)
class OpportunityReport:
    total_opportunities: int
    total_allocated_value: Decimal
    by_stage: dict[OpportunityStage, StageTally]
    allocation_by_sku: list[SkuAllocation]


def opportunity_report(open_ones: Sequence[Opportunity]) -> OpportunityReport:
    """Over the open opportunities: every open stage (zero included), SKUs in order."""
    by_sku: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
    for opportunity in open_ones:
        for item in opportunity.items:
            if item.reservation_id is None:
                continue
            quantity, value = by_sku.get((item.sku, item.location_id), (Decimal(0), Decimal(0)))
            by_sku[(item.sku, item.location_id)] = (quantity + item.quantity, value + item.value)
    return OpportunityReport(
        total_opportunities=len(open_ones),
        total_allocated_value=sum((o.allocated_value for o in open_ones), Decimal("0.00")),
        by_stage={
            stage: StageTally(
                sum(1 for o in open_ones if o.stage is stage),
                sum((o.allocated_value for o in open_ones if o.stage is stage), Decimal("0.00")),
            )
            for stage in OpportunityStage
            if stage not in CLOSED
        },
        allocation_by_sku=[
            SkuAllocation(sku, location, quantity, value)
            for (sku, location), (quantity, value) in sorted(by_sku.items())
        ],
    )
