"""Moving a service order through its life, recording work and parts, finalizing, billing."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import strawberry

from domain.identity import Permission
from resolvers.service_orders import billing, from_estimates, work_sessions
from resolvers.service_orders import lifecycle as use_cases
from resolvers.sla import policies as sla_policies
from schema.context import Info
from schema.inputs import provided
from schema.permissions import requires
from schema.service_orders.inputs import (
    CreateServiceOrderFromEstimateInput,
    CreateServiceOrderInput,
    PartUsageInput,
    PersonInput,
    WorkSessionInput,
)
from schema.service_orders.types import Person, Priority, ServiceOrder, SlaPolicy

WRITE = [requires(Permission.SERVICE_ORDER_WRITE)]
Version = Annotated[
    int,
    strawberry.argument(description="The version you read; a stale one is VERSION_CONFLICT."),
]


@strawberry.type
class ServiceOrderMutations:
    @strawberry.mutation(
        description="Open a REQUESTED order; its SLA due times follow your policy for the "
        "priority at this moment.",
        permission_classes=WRITE,
    )
    async def create_service_order(
        self, info: Info, input: CreateServiceOrderInput
    ) -> ServiceOrder:
        fields = provided(input, rename={"service_order_id": "id"})
        fields["priority"] = input.priority.value
        created = await use_cases.create_service_order(info.context.uow, info.context.clock, fields)
        return ServiceOrder.from_domain(created)

    @strawberry.mutation(
        description="Open a REQUESTED order for the work an APPROVED estimate lists, carrying "
        "its customer, vehicle, location and lines; one estimate becomes one order.",
        permission_classes=WRITE,
    )
    async def create_service_order_from_estimate(
        self, info: Info, input: CreateServiceOrderFromEstimateInput
    ) -> ServiceOrder:
        created = await from_estimates.create_from_estimate(
            info.context.uow,
            info.context.clock,
            input.estimate_id,
            input.priority.value,
            input.description,
            input.service_order_id,
        )
        return ServiceOrder.from_domain(created)

    @strawberry.mutation(
        description="Book the visit (start before end); allowed again until work starts. "
        "appointmentId names Shop Management's appointment the visit fulfils (kept when a "
        "rebooking leaves it out); status changes carry it to ShopMgmt.",
        permission_classes=WRITE,
    )
    async def schedule_service_order(
        self,
        info: Info,
        service_order_id: strawberry.ID,
        start: datetime,
        end: datetime,
        version: Version,
        appointment_id: strawberry.ID | None = None,
    ) -> ServiceOrder:
        order = await use_cases.schedule(
            info.context.uow,
            info.context.clock,
            info.context.require(Permission.SERVICE_ORDER_WRITE),
            service_order_id,
            start,
            end,
            version,
            appointment_id,
        )
        return ServiceOrder.from_domain(order)

    @strawberry.mutation(
        description="Dispatch a scheduled order to a technician (or re-assign it).",
        permission_classes=WRITE,
    )
    async def assign_technician(
        self,
        info: Info,
        service_order_id: strawberry.ID,
        technician_id: strawberry.ID,
        version: Version,
    ) -> ServiceOrder:
        order = await use_cases.assign_technician(
            info.context.uow,
            info.context.clock,
            info.context.require(Permission.SERVICE_ORDER_WRITE),
            service_order_id,
            technician_id,
            version,
        )
        return ServiceOrder.from_domain(order)

    @strawberry.mutation(description="The technician starts work.", permission_classes=WRITE)
    async def start_service_order(
        self,
        info: Info,
        service_order_id: strawberry.ID,
        version: Version,
    ) -> ServiceOrder:
        order = await use_cases.start_work(
            info.context.uow,
            info.context.clock,
            info.context.require(Permission.SERVICE_ORDER_WRITE),
            service_order_id,
            version,
        )
        return ServiceOrder.from_domain(order)

    @strawberry.mutation(
        description="Work is done: completionTime (default now, never in the future) and a "
        "resolutionCode such as RESOLVED.",
        permission_classes=WRITE,
    )
    async def complete_service_order(
        self,
        info: Info,
        service_order_id: strawberry.ID,
        resolution_code: str,
        version: Version,
        completion_time: datetime | None = None,
    ) -> ServiceOrder:
        order = await use_cases.complete(
            info.context.uow,
            info.context.clock,
            info.context.require(Permission.SERVICE_ORDER_WRITE),
            service_order_id,
            completion_time,
            resolution_code,
            version,
        )
        return ServiceOrder.from_domain(order)

    @strawberry.mutation(
        description="Cancel an order that is not completed yet, saying why.",
        permission_classes=WRITE,
    )
    async def cancel_service_order(
        self,
        info: Info,
        service_order_id: strawberry.ID,
        reason: str,
        version: Version,
    ) -> ServiceOrder:
        order = await use_cases.cancel(
            info.context.uow,
            info.context.clock,
            info.context.require(Permission.SERVICE_ORDER_WRITE),
            service_order_id,
            reason,
            version,
        )
        return ServiceOrder.from_domain(order)

    @strawberry.mutation(
        description="Log a technician's time (seed 001 rules); publishes work_session_recorded. "
        "The session awaits People's work_session.completed (at once where the gateway is "
        "People) before the order may be finalized.",
        permission_classes=WRITE,
    )
    async def record_work_session(
        self, info: Info, input: WorkSessionInput, version: Version
    ) -> ServiceOrder:
        fields = provided(
            input, skip=("service_order_id",), rename={"work_session_id": "session_id"}
        )
        order = await work_sessions.record_work_session(
            info.context.uow,
            info.context.clock,
            input.service_order_id,
            version,
            fields,
            info.context.own_sides,
        )
        return ServiceOrder.from_domain(order)

    @strawberry.mutation(
        description="Attach parts used on an order in progress or completed, not yet "
        "finalized. Stocked parts leave the order location's stock (what was reserved for "
        "the order first); a part short of stock is recorded and alerted, not refused.",
        permission_classes=WRITE,
    )
    async def record_parts_usage(
        self,
        info: Info,
        service_order_id: strawberry.ID,
        parts: list[PartUsageInput],
        version: Version,
    ) -> ServiceOrder:
        lines = [provided(p) for p in parts]
        order = await work_sessions.record_parts_usage(
            info.context.uow,
            info.context.clock,
            info.context.require(Permission.SERVICE_ORDER_WRITE).user_id,
            service_order_id,
            version,
            lines,
        )
        return ServiceOrder.from_domain(order)

    @strawberry.mutation(
        description="The customer declined a recorded part (or it came off the vehicle): it "
        "stays on the order unbilled, and the stock it took goes back (a RETURN movement).",
        permission_classes=WRITE,
    )
    async def decline_part_usage(
        self,
        info: Info,
        service_order_id: strawberry.ID,
        workorder_part_id: strawberry.ID,
        version: Version,
    ) -> ServiceOrder:
        order = await work_sessions.decline_part_usage(
            info.context.uow,
            info.context.clock,
            info.context.require(Permission.SERVICE_ORDER_WRITE).user_id,
            service_order_id,
            workorder_part_id,
            version,
        )
        return ServiceOrder.from_domain(order)

    @strawberry.mutation(
        description="Freeze a completed order's bill (parts, labor at laborRate per hour, tax "
        "by the location's codes); publishes ready_for_billing and snapshot_finalized. "
        "AWAITING_ACKNOWLEDGEMENT while a work session awaits People's confirmation; billing "
        "then awaits Order's sales_order.created and Accounting's revenue.recorded.",
        permission_classes=[requires(Permission.SERVICE_ORDER_BILL)],
    )
    async def finalize_service_order(
        self,
        info: Info,
        service_order_id: strawberry.ID,
        labor_rate: Decimal,
        version: Version,
        labor_tax_code: str | None = None,
        po_number: str | None = None,
    ) -> ServiceOrder:
        principal = info.context.require(Permission.SERVICE_ORDER_BILL)
        order = await billing.finalize(
            info.context.uow,
            info.context.clock,
            service_order_id,
            principal.user_id,
            labor_rate,
            labor_tax_code,
            po_number,
            version,
            info.context.own_sides,
        )
        return ServiceOrder.from_domain(order)

    @strawberry.mutation(
        description="Bill a finalized order once: posts debit 1200 / credit 4100 on billingDate "
        "(default today, UTC); FINANCIAL_PERIOD_CLOSED if that period is closed.",
        permission_classes=[requires(Permission.SERVICE_ORDER_BILL)],
    )
    async def bill_service_order(
        self,
        info: Info,
        service_order_id: strawberry.ID,
        version: Version,
        billing_date: date | None = None,
    ) -> ServiceOrder:
        order = await billing.bill(
            info.context.uow,
            info.context.clock,
            info.context.require(Permission.SERVICE_ORDER_BILL),
            service_order_id,
            billing_date,
            version,
        )
        return ServiceOrder.from_domain(order)

    @strawberry.mutation(
        description="Set a priority's SLA; orders created from now on are held to it.",
        permission_classes=[requires(Permission.SLA_POLICY_WRITE)],
    )
    async def set_sla_policy(
        self,
        info: Info,
        priority: Priority,
        response_within_minutes: int,
        resolution_within_minutes: int,
        at_risk_share: Decimal | None = None,
    ) -> SlaPolicy:
        policy = await sla_policies.set_sla_policy(
            info.context.uow,
            priority.value,
            response_within_minutes,
            resolution_within_minutes,
            at_risk_share,
        )
        return SlaPolicy.from_domain(priority, policy)

    @strawberry.mutation(
        description="Record (or update) who may work on and record work for orders.",
        permission_classes=[requires(Permission.PERSON_WRITE)],
    )
    async def save_person(self, info: Info, input: PersonInput) -> Person:
        person = await work_sessions.save_person(info.context.uow, provided(input))
        return Person.from_domain(person)
