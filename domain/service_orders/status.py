"""Where a service order is in its life, and which moves the business allows.

REQUESTED -> SCHEDULED -> DISPATCHED -> IN_PROGRESS -> COMPLETED -> BILLED, with
CANCELLED reachable from every state before COMPLETED. A scheduled or dispatched order
may be rescheduled (its status stays); once work has started the schedule is history.
Any other move is INVALID_TRANSITION, naming the state the order is in.
"""

from __future__ import annotations

from enum import StrEnum

from domain.errors import DomainError


class ServiceOrderStatus(StrEnum):
    REQUESTED = "REQUESTED"
    SCHEDULED = "SCHEDULED"
    DISPATCHED = "DISPATCHED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    BILLED = "BILLED"
    CANCELLED = "CANCELLED"


class Priority(StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"


S = ServiceOrderStatus

ALLOWED: dict[ServiceOrderStatus, frozenset[ServiceOrderStatus]] = {
    S.REQUESTED: frozenset({S.SCHEDULED, S.CANCELLED}),
    S.SCHEDULED: frozenset({S.SCHEDULED, S.DISPATCHED, S.CANCELLED}),
    S.DISPATCHED: frozenset({S.DISPATCHED, S.IN_PROGRESS, S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.COMPLETED, S.CANCELLED}),
    S.COMPLETED: frozenset({S.BILLED}),
    S.BILLED: frozenset(),
    S.CANCELLED: frozenset(),
}


class InvalidTransition(DomainError):
    """The order's current state does not allow what was asked."""

    code = "INVALID_TRANSITION"

    def __init__(self, order_id: str, current: ServiceOrderStatus, action: str):
        super().__init__(
            f"Service order {order_id} is {current}, so it cannot {action}. "
            f"Refresh the order to see what it allows now.",
            field="status",
        )
        self.current = current


def require_move(
    order_id: str, current: ServiceOrderStatus, target: ServiceOrderStatus, action: str
) -> None:
    """Raise InvalidTransition unless `current -> target` is one of the allowed moves."""
    if target not in ALLOWED[current]:
        raise InvalidTransition(order_id, current, action)
