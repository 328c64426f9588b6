"""Service orders as clients see them: the order, its work, parts, bill and SLA standing.

Plain fields are plain attributes mapped once from the domain order (`from_domain`);
only `sla` computes, from the stored deadlines and the request's clock (no I/O).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from domain.identity import Permission
from domain.service_orders import (
    acknowledgements,
    appointments,
    billing,
    items,
    order,
    parts_usage,
    sla,
    status,
    work_sessions,
)
from schema.connections import Connection
from schema.context import Info
from schema.dashboard.types import ServiceOrderStatus  # the enums are defined once, there
from schema.estimates.types import Estimate
from schema.inventory.types import StockMovement
from schema.permissions import requires
from schema.references import PartType, part_of
from schema.service_orders.acknowledgements import Acknowledgement
from schema.sla.types import Priority
from schema.work_parties import WorkParties

if TYPE_CHECKING:
    from schema.receivables.types import Invoice


@strawberry.type(description="Where an open order stands against its SLA right now.")
class ServiceOrderSla:
    response_due_at: datetime = strawberry.field(description="Scheduled by then.")
    resolution_due_at: datetime = strawberry.field(description="Completed by then.")
    at_risk: bool = strawberry.field(
        description="A target is unmet and the policy's at-risk share of its window has passed."
    )
    breached: bool = strawberry.field(description="A target was missed (due time passed unmet).")


@strawberry.type(description="A line carried over from the approved estimate.")
class ServiceOrderItem:
    item_id: strawberry.ID
    item_type: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_code: str | None

    @classmethod
    def from_domain(cls, i: items.OrderItem) -> ServiceOrderItem:
        return cls(
            item_id=strawberry.ID(i.item_id),
            item_type=i.item_type.value,
            description=i.description,
            quantity=i.quantity,
            unit_price=i.unit_price,
            tax_code=i.tax_code,
        )


@strawberry.type(description="Time a technician spent on the order (seed 001).")
class WorkSession:
    work_session_id: strawberry.ID
    person_id: strawberry.ID
    start_time: datetime
    end_time: datetime
    break_duration_minutes: int
    billable_minutes: int
    work_type: str
    recorded_by: strawberry.ID
    recorded_at: datetime
    confirmed: bool = strawberry.field(
        description="People confirmed it (com.durion.people.work_session.completed); until "
        "then the session awaits confirmation and the order cannot be finalized."
    )
    confirmed_at: datetime | None = strawberry.field(
        description="When People confirmed it; null while awaited, and for sessions recorded "
        "before confirmations were awaited (which count as confirmed)."
    )

    @strawberry.field(description="Who did the work.")
    async def person(self, info: Info) -> Person | None:
        found = await info.context.loaders.person_by_id.load(str(self.person_id))
        return None if found is None else Person.from_domain(found)

    @classmethod
    def from_domain(
        cls,
        s: work_sessions.WorkSession,
        confirmation: acknowledgements.Acknowledgement | None = None,
    ) -> WorkSession:
        return cls(
            confirmed=confirmation is None or not confirmation.pending,
            confirmed_at=None if confirmation is None else confirmation.acknowledged_at,
            work_session_id=strawberry.ID(s.session_id),
            person_id=strawberry.ID(s.person_id),
            start_time=s.start_time,
            end_time=s.end_time,
            break_duration_minutes=s.break_duration_minutes,
            billable_minutes=s.billable_minutes,
            work_type=s.work_type,
            recorded_by=strawberry.ID(s.recorded_by),
            recorded_at=s.recorded_at,
        )


@strawberry.type(
    description="A part used on the order; a declined one is never billed. A stocked part "
    "left the stock of the order's location when it was recorded (movement), and a declined "
    "one gave it back (returnMovement)."
)
class PartUsage:
    workorder_part_id: strawberry.ID
    product_id: strawberry.ID
    sku: str
    quantity: Decimal
    unit_price: Decimal
    tax_code: str | None
    declined: bool
    emergency: bool
    line_total: Decimal
    issued_quantity: Decimal | None = strawberry.field(
        description="What the location's stock issued for it; null when it moves no stock "
        "(a service, a part not in the catalog, a part declined before it was used)."
    )
    stock_shortfall: Decimal | None = strawberry.field(
        description="How much of it the stock did not have: recorded anyway and alerted "
        "(stock_shortage_alert), never taking stock below zero."
    )
    movement_id: strawberry.Private[str | None]
    return_movement_id: strawberry.Private[str | None]

    @strawberry.field(
        description="The CONSUMPTION movement that issued it.",
        permission_classes=[requires(Permission.INVENTORY_READ)],
    )
    async def movement(self, info: Info) -> StockMovement | None:
        if self.movement_id is None:
            return None
        found = await info.context.loaders.movement_by_id.load(self.movement_id)
        return None if found is None else StockMovement.from_domain(found)

    @strawberry.field(
        description="The RETURN movement that gave its stock back when it was declined.",
        permission_classes=[requires(Permission.INVENTORY_READ)],
    )
    async def return_movement(self, info: Info) -> StockMovement | None:
        if self.return_movement_id is None:
            return None
        found = await info.context.loaders.movement_by_id.load(self.return_movement_id)
        return None if found is None else StockMovement.from_domain(found)

    @strawberry.field(
        description="The catalog part, if the catalog lists it.",
        permission_classes=[requires(Permission.CATALOG_READ)],
    )
    async def part(self, info: Info) -> PartType | None:
        return await part_of(info, str(self.product_id))

    @classmethod
    def from_domain(cls, p: parts_usage.PartUsage) -> PartUsage:
        return cls(
            workorder_part_id=strawberry.ID(p.workorder_part_id),
            product_id=strawberry.ID(p.product_id),
            sku=p.sku,
            quantity=p.quantity,
            unit_price=p.unit_price,
            tax_code=p.tax_code,
            declined=p.declined,
            emergency=p.emergency,
            line_total=p.billable_total,
            issued_quantity=p.issued_quantity,
            stock_shortfall=p.shortfall,
            movement_id=p.movement_id,
            return_movement_id=p.return_movement_id,
        )


@strawberry.type(description="Labor billed for one work session.")
class LaborLine:
    work_session_id: strawberry.ID
    person_id: strawberry.ID
    billable_minutes: int
    amount: Decimal

    @strawberry.field(description="Who did the work.")
    async def person(self, info: Info) -> Person | None:
        found = await info.context.loaders.person_by_id.load(str(self.person_id))
        return None if found is None else Person.from_domain(found)


@strawberry.type(description="What the customer is billed for, frozen when the order is finalized.")
class BillableSnapshot:
    workorder_snapshot_id: strawberry.ID
    captured_at: datetime
    parts_total: Decimal
    labor_total: Decimal
    tax_total: Decimal
    grand_total: Decimal
    currency_uom_id: str
    parts: list[PartUsage]
    labor: list[LaborLine]

    @classmethod
    def from_domain(cls, s: billing.BillableSnapshot) -> BillableSnapshot:
        return cls(
            workorder_snapshot_id=strawberry.ID(s.snapshot_id),
            captured_at=s.captured_at,
            parts_total=s.parts_total,
            labor_total=s.labor_total,
            tax_total=s.tax_total,
            grand_total=s.grand_total,
            currency_uom_id=s.currency,
            parts=[PartUsage.from_domain(p) for p in s.parts],
            labor=[
                LaborLine(
                    work_session_id=strawberry.ID(line.session_id),
                    person_id=strawberry.ID(line.person_id),
                    billable_minutes=line.billable_minutes,
                    amount=line.amount,
                )
                for line in s.labor
            ],
        )


@strawberry.type(description="One side of the billing posting (debit 1200, credit 4100).")
class GlEntry:
    account: str
    account_name: str
    side: str
    amount: Decimal


@strawberry.type(
    description="Where Shop Management last said the order's appointment stands "
    "(com.durion.shopmgmt.appointment.updated): shown, never acted on."
)
class Appointment:
    appointment_id: strawberry.ID
    status: str = strawberry.field(
        description="ShopMgmt's own status: CONFIRMED, IN_PROGRESS, COMPLETED, CANCELLED..."
    )
    scheduled_start: datetime | None
    scheduled_end: datetime | None
    reason: str | None
    updated_at: datetime = strawberry.field(description="When ShopMgmt moved it.")

    @classmethod
    def from_domain(cls, a: appointments.Appointment) -> Appointment:
        return cls(
            appointment_id=strawberry.ID(a.appointment_id),
            status=a.status,
            scheduled_start=a.scheduled_start,
            scheduled_end=a.scheduled_end,
            reason=a.reason,
            updated_at=a.updated_at,
        )


@strawberry.type(description="A customer's request for field work, from the call to the bill.")
class ServiceOrder(WorkParties):
    service_order_id: strawberry.ID = strawberry.field(description="The human number, SO-...")
    priority: Priority
    status: ServiceOrderStatus
    description: str
    estimate_id: strawberry.ID | None
    items: list[ServiceOrderItem]
    schedule_start: datetime | None
    schedule_end: datetime | None
    technician_id: strawberry.ID | None
    appointment_id: strawberry.ID | None = strawberry.field(
        description="Shop Management's appointment the visit fulfils, if it was booked there."
    )
    started_at: datetime | None
    completion_time: datetime | None
    resolution_code: str | None
    cancelled_at: datetime | None
    cancellation_reason: str | None
    contract_id: strawberry.ID | None = strawberry.field(
        description="The contract that covers the work, once Contracts validated it."
    )
    covered_by_contract: bool
    billed_at: datetime | None
    created_at: datetime
    version: int = strawberry.field(description="Send back with a change to detect conflicts.")
    source: strawberry.Private[order.ServiceOrder]
    records_read: strawberry.Private[bool]
    """False for an order a list read without its records: they are read (for every
    such order of the request at once) only if a document asks for one."""

    async def _recorded(self, info: Info) -> order.ServiceOrder:
        if self.records_read:
            return self.source
        return await info.context.loaders.order_records.load(self.source)

    @strawberry.field
    async def work_sessions(self, info: Info) -> list[WorkSession]:
        recorded = await self._recorded(info)
        return [
            WorkSession.from_domain(s, recorded.confirmation_of(s.session_id))
            for s in recorded.work_sessions
        ]

    @strawberry.field
    async def parts(self, info: Info) -> list[PartUsage]:
        return [PartUsage.from_domain(p) for p in (await self._recorded(info)).parts]

    @strawberry.field
    async def billable_snapshot(self, info: Info) -> BillableSnapshot | None:
        snapshot = (await self._recorded(info)).snapshot
        return BillableSnapshot.from_domain(snapshot) if snapshot else None

    @strawberry.field
    async def gl_entries(self, info: Info) -> list[GlEntry]:
        return [
            GlEntry(
                account=e.account, account_name=e.account_name, side=e.side.value, amount=e.amount
            )
            for e in (await self._recorded(info)).gl_entries
        ]

    @strawberry.field(
        description="What the order awaits or awaited from People, Order and Accounting, "
        "oldest first (seed 001's fail-closed acknowledgements)."
    )
    async def acknowledgements(self, info: Info) -> list[Acknowledgement]:
        return [
            Acknowledgement.from_domain(a) for a in (await self._recorded(info)).acknowledgements
        ]

    @strawberry.field(
        description="What the order still awaits: empty once it may be finalized and billed."
    )
    async def awaiting(self, info: Info) -> list[Acknowledgement]:
        return [
            Acknowledgement.from_domain(a)
            for a in (await self._recorded(info)).acknowledgements
            if a.pending
        ]

    @strawberry.field(
        description="Where Shop Management last said the order's appointment stands; null "
        "until it reports."
    )
    async def appointment(self, info: Info) -> Appointment | None:
        found = await info.context.loaders.appointment_by_order.load(str(self.service_order_id))
        return None if found is None else Appointment.from_domain(found)

    @strawberry.field(
        description="The approved estimate this order does the work of, if any.",
        permission_classes=[requires(Permission.ESTIMATE_READ)],
    )
    async def estimate(self, info: Info) -> Estimate | None:
        if self.estimate_id is None:
            return None
        found = await info.context.loaders.estimate_by_id.load(str(self.estimate_id))
        return None if found is None else Estimate.from_domain(found)

    @strawberry.field(description="The technician dispatched to the order, once dispatched.")
    async def technician(self, info: Info) -> Person | None:
        if self.technician_id is None:
            return None
        found = await info.context.loaders.person_by_id.load(str(self.technician_id))
        return None if found is None else Person.from_domain(found)

    @strawberry.field(
        description="The invoice this order was billed on; null until billed.",
        permission_classes=[requires(Permission.INVOICE_READ)],
    )
    async def invoice(
        self, info: Info
    ) -> Annotated[Invoice, strawberry.lazy("schema.receivables.types")] | None:
        from schema.receivables.types import Invoice

        found = await info.context.loaders.invoice_of_order.load(str(self.service_order_id))
        return None if found is None else Invoice.from_domain(found)

    @strawberry.field(description="Due times and standing against the SLA, at this moment.")
    def sla(self, info: Info) -> ServiceOrderSla | None:
        deadlines = self.source.deadlines
        if deadlines is None:
            return None
        now = sla.standing(self.source, deadlines, info.context.clock.now())
        return ServiceOrderSla(
            response_due_at=now.response_due_at,
            resolution_due_at=now.resolution_due_at,
            at_risk=now.at_risk,
            breached=now.breached,
        )

    @classmethod
    def from_domain(cls, o: order.ServiceOrder, records_read: bool = True) -> ServiceOrder:
        return cls(
            service_order_id=strawberry.ID(o.id),
            customer_id=strawberry.ID(o.customer_id),
            vehicle_id=strawberry.ID(o.vehicle_id),
            location_id=strawberry.ID(o.location_id),
            priority=o.priority,
            status=o.status,
            description=o.description,
            estimate_id=strawberry.ID(o.estimate_id) if o.estimate_id else None,
            items=[ServiceOrderItem.from_domain(i) for i in o.items],
            schedule_start=o.schedule_start,
            schedule_end=o.schedule_end,
            technician_id=strawberry.ID(o.technician_id) if o.technician_id else None,
            appointment_id=strawberry.ID(o.appointment_id) if o.appointment_id else None,
            started_at=o.started_at,
            completion_time=o.completed_at,
            resolution_code=o.resolution_code,
            cancelled_at=o.cancelled_at,
            cancellation_reason=o.cancellation_reason,
            contract_id=strawberry.ID(o.contract_id) if o.contract_id else None,
            covered_by_contract=o.contract_id is not None,
            billed_at=o.billed_at,
            created_at=o.created_at,
            version=o.version,
            source=o,
            records_read=records_read,
        )

    @classmethod
    def listed(cls, o: order.ServiceOrder) -> ServiceOrder:
        """An order a list read without its records (`search`, `pages_of`,
        `from_estimates`)."""
        return cls.from_domain(o, records_read=False)


@strawberry.type(description="Service orders, newest first; page on with `after`.")
class ServiceOrderConnection(Connection[ServiceOrder]):
    """The connection of `Customer.serviceOrders`, `Vehicle.serviceOrders`..."""


@strawberry.type(description="The SLA of one priority: targets counted from an order's creation.")
class SlaPolicy:
    priority: Priority
    response_within_minutes: int = strawberry.field(description="Scheduled within this.")
    resolution_within_minutes: int = strawberry.field(description="Completed within this.")
    at_risk_share: Decimal = strawberry.field(
        description="Share of a window after which an unmet target is at risk (0.8 = 80%)."
    )

    @classmethod
    def from_domain(cls, priority: status.Priority, p: sla.SlaPolicy) -> SlaPolicy:
        return cls(
            priority=priority,
            response_within_minutes=int(p.response_within.total_seconds() // 60),
            resolution_within_minutes=int(p.resolution_within.total_seconds() // 60),
            at_risk_share=p.at_risk_share,
        )


@strawberry.type(description="Someone who works on orders: their roles and locations.")
class Person:
    person_id: strawberry.ID
    roles: list[str]
    location_ids: list[strawberry.ID]

    @classmethod
    def from_domain(cls, p: work_sessions.Person) -> Person:
        return cls(
            person_id=strawberry.ID(p.person_id),
            roles=sorted(p.roles),
            location_ids=[strawberry.ID(loc) for loc in sorted(p.location_ids)],
        )
