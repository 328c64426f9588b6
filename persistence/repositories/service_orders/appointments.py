"""Where ShopMgmt last said each order's appointment stands (one row per order)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as upsert

from domain.service_orders.appointments import Appointment
from persistence.repositories.base import TenantRepository, of_tenant, one_of_param
from persistence.tables import service_order_appointments

A = service_order_appointments.c
FIELDS = ("appointment_id", "status", "scheduled_start", "scheduled_end", "reason", "updated_at")
OF_ORDERS = select(A.service_order_id, *(A[name] for name in FIELDS)).where(
    of_tenant(service_order_appointments), one_of_param(A.service_order_id, "order_ids")
)


class AppointmentRepository(TenantRepository):
    table = service_order_appointments

    async def record(self, appointment: Appointment) -> bool:
        """Keep `appointment` unless a newer report is kept already; whether it was kept."""
        values = {name: getattr(appointment, name) for name in FIELDS}
        statement = (
            upsert(service_order_appointments)
            .values(service_order_id=appointment.service_order_id, **values)
            .on_conflict_do_update(
                index_elements=[A.tenant_id, A.service_order_id],
                set_=values,
                where=A.updated_at <= appointment.updated_at,
            )
            .returning(A.service_order_id)
        )
        return bool(await self._rows(statement))

    async def of_orders(self, order_ids: Sequence[str]) -> dict[str, Appointment]:
        rows = await self._rows(OF_ORDERS, order_ids=list(order_ids))
        return {
            row["service_order_id"]: Appointment(
                service_order_id=row["service_order_id"], **{name: row[name] for name in FIELDS}
            )
            for row in rows
        }
