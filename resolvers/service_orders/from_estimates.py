"""Turning an APPROVED estimate into the service order that does its work.

The order carries the estimate's customer, vehicle, location and lines; one estimate
becomes at most one order (ESTIMATE_ALREADY_ORDERED names the order it became).
"""

from __future__ import annotations

from datetime import datetime

from domain.clock import Clock
from domain.service_orders.intake import EstimateAlreadyOrdered, open_from_estimate
from domain.service_orders.items import OrderItem
from domain.service_orders.order import ServiceOrder
from resolvers.changes import existing
from resolvers.ports import UnitOfWork, UnitOfWorkFactory
from resolvers.service_orders.lifecycle import open_order


async def create_from_estimate(
    uow: UnitOfWorkFactory,
    clock: Clock,
    estimate_id: str,
    priority: str,
    description: str | None,
    chosen_id: str | None = None,
) -> ServiceOrder:
    async with uow() as work:
        estimate = await existing(work.estimates, estimate_id)
        ordered = await work.service_orders.for_estimate(estimate.id)
        if ordered is not None:
            raise EstimateAlreadyOrdered(estimate.id, ordered)
        items = [
            OrderItem(i.item_id, i.item_type, i.description, i.quantity, i.unit_price, i.tax_code)
            for i in estimate.items
        ]

        def build(work: UnitOfWork, order_id: str, now: datetime) -> ServiceOrder:
            return open_from_estimate(
                order_id,
                work.tenant_id,
                estimate.id,
                estimate.status.value,
                items,
                estimate.customer_id,
                estimate.vehicle_id,
                estimate.location_id,
                priority,
                description or f"Work approved on estimate {estimate.number}",
                now,
            )

        order = await open_order(work, clock, chosen_id, build)
        await work.commit()
        return order
