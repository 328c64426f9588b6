"""Where Shop Management says an order's appointment stands (seed 001: fail-open).

ShopMgmt answers each status_changed the gateway publishes by moving its appointment and
publishing `com.durion.shopmgmt.appointment.updated`. The gateway records the latest
word per order and shows it beside the order (`ServiceOrder.appointment`), so a service
advisor sees both sides, but never acts on it: the appointment is ShopMgmt's, and an
update that is late, lost or about an order the gateway does not know changes nothing
else (the seed's integration table marks the ShopMgmt link fail-open).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Appointment:
    """The appointment as ShopMgmt last reported it; `updated_at` is that report's instant,
    so a report that arrives late never overwrites a newer one."""

    appointment_id: str
    service_order_id: str
    status: str
    updated_at: datetime
    scheduled_start: datetime | None = None
    scheduled_end: datetime | None = None
    reason: str | None = None
