"""What an order awaits from People, Order and Accounting, as clients see it."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain.service_orders import acknowledgements

AcknowledgingSystem = strawberry.enum(
    acknowledgements.Acknowledger,
    name="AcknowledgingSystem",
    description="The system whose acknowledgement an order waits for (seed 001, fail-closed).",
)


@strawberry.type(
    description="One thing the order awaits, or awaited, from another system: People's "
    "confirmation of a work session, Order's sales order or Accounting's revenue record of "
    "the billable snapshot. Finalizing waits for People, billing for all three "
    "(AWAITING_ACKNOWLEDGEMENT)."
)
class Acknowledgement:
    system: AcknowledgingSystem
    event: str = strawberry.field(
        description="The event that acknowledges it, e.g. com.durion.people.work_session.completed."
    )
    reference: strawberry.ID = strawberry.field(
        description="The work session, or the billable snapshot, it is about."
    )
    awaited_since: datetime
    acknowledged_at: datetime | None = strawberry.field(
        description="When the other side acted; null while awaited."
    )
    acknowledged_as: str | None = strawberry.field(
        description="The other side's id for what it did (the sales order, the revenue record)."
    )
    overdue_at: datetime | None = strawberry.field(
        description="When the time-out alert (acknowledgement_overdue) was raised, if it was."
    )
    awaiting: bool = strawberry.field(description="Still awaited.")

    @classmethod
    def from_domain(cls, a: acknowledgements.Acknowledgement) -> Acknowledgement:
        return cls(
            system=a.awaited.system,
            event=a.awaited.value,
            reference=strawberry.ID(a.reference),
            awaited_since=a.awaited_since,
            acknowledged_at=a.acknowledged_at,
            acknowledged_as=a.acknowledged_as,
            overdue_at=a.overdue_at,
            awaiting=a.pending,
        )
