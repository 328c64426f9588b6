"""What clients send to open orders, log work and parts, and record people."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from schema.service_orders.types import Priority


@strawberry.input
class CreateServiceOrderInput:
    service_order_id: strawberry.ID | None = strawberry.field(
        default=None, description="Leave empty to take the next SO-nnn number."
    )
    customer_id: strawberry.ID
    vehicle_id: strawberry.ID = strawberry.field(description="One of the customer's vehicles.")
    location_id: strawberry.ID
    priority: Priority
    description: str


@strawberry.input
class CreateServiceOrderFromEstimateInput:
    estimate_id: strawberry.ID = strawberry.field(description="An APPROVED estimate.")
    priority: Priority
    description: str | None = strawberry.field(
        default=None, description="Defaults to 'Work approved on estimate <number>'."
    )
    service_order_id: strawberry.ID | None = strawberry.field(
        default=None, description="Leave empty to take the next SO-nnn number."
    )


@strawberry.input
class WorkSessionInput:
    service_order_id: strawberry.ID
    work_session_id: strawberry.ID | None = strawberry.field(
        default=None, description="Leave empty to take the next WS-nnn number."
    )
    person_id: strawberry.ID = strawberry.field(description="Who did the work.")
    start_time: datetime
    end_time: datetime
    break_duration_minutes: int = 0
    billable_minutes: int = strawberry.field(
        description="At most end - start - break, in whole minutes."
    )
    work_type: str = "LABOR"
    recorded_by: strawberry.ID = strawberry.field(
        description="A TECHNICIAN or SUPERVISOR recording the session."
    )


@strawberry.input
class PartUsageInput:
    workorder_part_id: strawberry.ID | None = strawberry.field(
        default=None, description="Leave empty to take the next WOP-nnn number."
    )
    product_id: strawberry.ID
    sku: str
    quantity: Decimal
    unit_price: Decimal
    tax_code: str | None = None
    declined: bool = False
    emergency: bool = False


@strawberry.input
class PersonInput:
    person_id: strawberry.ID
    name: str
    roles: list[str] = strawberry.field(description="e.g. TECHNICIAN, SUPERVISOR.")
    location_ids: list[strawberry.ID]
