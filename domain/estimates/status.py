"""The states of an estimate and the errors of moving between them."""

from __future__ import annotations

from enum import StrEnum

from domain.errors import DomainError, NotFound


class EstimateStatus(StrEnum):
    DRAFT = "DRAFT"
    PENDING_APPROVAL = "PENDING_APPROVAL"
    APPROVED = "APPROVED"
    DECLINED = "DECLINED"
    EXPIRED = "EXPIRED"


REVISABLE = (EstimateStatus.PENDING_APPROVAL, EstimateStatus.APPROVED, EstimateStatus.DECLINED)


class InvalidTransition(DomainError):
    code = "INVALID_TRANSITION"


def invalid_transition(
    number: str, revision: int, status: EstimateStatus, superseded: bool, to: str
) -> InvalidTransition:
    """Why estimate `number` cannot go `to` where the caller asked, and what to do instead."""
    if superseded:
        return InvalidTransition(
            f"Estimate {number} revision {revision} ({status}) was superseded by a newer "
            f"revision; open that one to {to}.",
            field="status",
        )
    return InvalidTransition(
        f"Estimate {number} is {status}, so you cannot {to}"
        + ("; revise it to open a new draft." if status in REVISABLE else "."),
        field="status",
    )


class EstimateExpired(DomainError):
    code = "ESTIMATE_EXPIRED"


class EmptyEstimate(DomainError):
    code = "EMPTY_ESTIMATE"


class EstimateNotFound(NotFound):
    def __init__(self, estimate_id: str):
        super().__init__("Estimate", estimate_id, code="ESTIMATE_NOT_FOUND")
        self.field = "estimateId"


class ItemNotFound(NotFound):
    def __init__(self, item_id: str):
        super().__init__("Estimate item", item_id, code="ITEM_NOT_FOUND")
        self.field = "itemId"
