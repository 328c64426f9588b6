"""What a list of service orders can be narrowed by (a dispatch board, a location's queue)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.service_orders.status import Priority, ServiceOrderStatus


@dataclass(frozen=True, slots=True)
class OrderFilter:
    """Empty or None means any; several statuses or priorities mean any of them."""

    location_id: str | None = None
    statuses: tuple[ServiceOrderStatus, ...] = ()
    priorities: tuple[Priority, ...] = ()
    customer_id: str | None = None
