"""A reservation: a quantity of one part at one location held for a piece of work until a
time, so nobody else can issue or reserve it meanwhile.

It is a child of the `StockItem` it holds stock of: reserving, releasing, consuming and
expiring change the item's `reserved` figure in the same change, under the item's row
lock, so `reserved` is always the sum of its ACTIVE reservations. Its life:

    ACTIVE -> RELEASED   (someone gave it back: the order line was cancelled)
    ACTIVE -> CONSUMED   (the stock left: a CONSUMPTION movement of the ledger)
    ACTIVE -> EXPIRED    (its time passed: the sweeper, or a new reservation, ended it)

Every end is final. Consuming less than was reserved ends the reservation too and gives
the rest back (`released_quantity`): the work took what it needed and holds nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from domain.checks import check_text
from domain.errors import DomainError, InvalidInput, NotFound

LONGEST_HOLD = timedelta(days=90)
"""The furthest ahead a reservation may expire: stock held longer than a quarter is
backorder planning, not a reservation, and would hide stock from every other buyer."""
DEFAULT_HOLD = timedelta(days=7)
"""How long a reservation given no time holds: a week, about as long as a booked job waits
for its visit, and short enough that stock a clerk forgot comes back by itself."""
REFERENCE_ID_LENGTH = 100


class ReferenceType(StrEnum):
    ORDER_LINE = "ORDER_LINE"
    OPPORTUNITY = "OPPORTUNITY"
    SERVICE_ORDER = "SERVICE_ORDER"
    OTHER = "OTHER"


class ReservationStatus(StrEnum):
    ACTIVE = "ACTIVE"
    RELEASED = "RELEASED"
    CONSUMED = "CONSUMED"
    EXPIRED = "EXPIRED"


class ReservationNotFound(NotFound):
    code = "RESERVATION_NOT_FOUND"

    def __init__(self, reservation_id: str):
        super().__init__("Reservation", reservation_id)
        self.field = "reservationId"


class ReservationNotActive(DomainError):
    """Only an ACTIVE reservation can be released or consumed; the message names the
    state it is in, so the client knows the stock is no longer held."""

    code = "RESERVATION_NOT_ACTIVE"

    def __init__(self, reservation: Reservation):
        super().__init__(
            f"Reservation {reservation.id} is {reservation.status.value}, not ACTIVE: it holds "
            "no stock any more. Reserve again if the stock is still needed.",
            field="reservationId",
        )


class ReservationExceeded(DomainError):
    code = "RESERVATION_EXCEEDED"

    def __init__(self, reservation: Reservation, asked: Decimal):
        super().__init__(
            f"Reservation {reservation.id} holds {reservation.quantity}; {asked} cannot be "
            "consumed from it. Consume at most what it holds and issue the rest.",
            field="quantity",
        )


@dataclass(frozen=True, slots=True)
class ReservationFilter:
    """Which reservations a reader asks for; None matches any."""

    product_id: str | None = None
    location_id: str | None = None
    reference_type: ReferenceType | None = None
    reference_id: str | None = None
    status: ReservationStatus | None = None


@dataclass(eq=False)
class Reservation:
    id: str
    product_id: str
    location_id: str
    quantity: Decimal
    reference_type: ReferenceType
    reference_id: str
    expires_at: datetime
    reserved_by: str
    reserved_at: datetime
    status: ReservationStatus = ReservationStatus.ACTIVE
    consumed_quantity: Decimal | None = None
    movement_id: str | None = None
    """The CONSUMPTION movement that consumed it."""
    ended_by: str | None = None
    ended_at: datetime | None = None

    @property
    def is_active(self) -> bool:
        return self.status is ReservationStatus.ACTIVE

    def is_due(self, now: datetime) -> bool:
        """Past its time: a reservation until 12:00 holds nothing at 12:00."""
        return self.is_active and self.expires_at <= now

    def end(self, status: ReservationStatus, by: str | None, now: datetime) -> None:
        self.status = status
        self.ended_by = by
        self.ended_at = now


def check_expiry(expires_at: datetime, now: datetime) -> InvalidInput | None:
    if expires_at.tzinfo is None or not now < expires_at <= now + LONGEST_HOLD:
        return InvalidInput(
            f"A reservation expires in the future and at most {LONGEST_HOLD.days} days "
            f"ahead (with its time zone); got {expires_at.isoformat()}.",
            field="expiresAt",
        )
    return None


def check_reference_id(reference_id: str | None) -> InvalidInput | None:
    return check_text(
        reference_id,
        "referenceId",
        "Say what the stock is reserved for (the order line, opportunity or service order).",
        REFERENCE_ID_LENGTH,
    )
