"""Stock of one part at one location: the aggregate every stock command changes.

A `StockItem` holds the figures kept in step with the ledger (on-hand, reserved, the
reorder point) and the movements it recorded since it was read; the repository writes
both in the transaction of the change. Its rules:

- a quantity moved is positive (an adjustment's change is signed, not zero, and needs
  a reason);
- nothing may take on-hand below what is reserved (and so never below zero):
  INSUFFICIENT_STOCK, naming the SKU, the location, what is available and what was asked;
- a transfer moves stock of one part to another location, both legs or neither;
- a reservation holds at most what is available, and `reserved` is always the sum of
  the ACTIVE reservations (domain/inventory/reservations.py).

A pair never stocked reads as an empty item at version 0; its first change stores it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from urllib.parse import quote, unquote

from domain.errors import DomainError, InvalidInput, collect
from domain.events import DomainEvent
from domain.inventory.events import (
    ReservationConsumed,
    ReservationExpired,
    ReservationReleased,
    StockMoved,
    StockReserved,
    StockShortageDetected,
)
from domain.inventory.movements import (
    MovementKind,
    StockMovement,
    check_change,
    check_lead_time,
    check_level,
    check_quantity,
    check_reason,
    check_reference,
    check_unit_cost,
)
from domain.inventory.reservations import (
    ReferenceType,
    Reservation,
    ReservationExceeded,
    ReservationStatus,
    check_expiry,
    check_reference_id,
)

ZERO = Decimal("0")


def plain(quantity: Decimal) -> str:
    """A quantity as people write it: 2, 0.5 (the columns keep four places: 2.0000)."""
    return format(quantity.normalize(), "f")


class InsufficientStock(DomainError):
    code = "INSUFFICIENT_STOCK"

    def __init__(self, item: StockItem, asked: Decimal):
        super().__init__(
            f"Only {plain(item.available)} of {item.sku} are available at {item.location_id} "
            f"(on hand {plain(item.on_hand)}, reserved {plain(item.reserved)}); {plain(asked)} "
            "were asked. "
            "Receive or transfer stock there first, or ask for less.",
            field="quantity",
        )
        self.details = {
            "sku": item.sku,
            "locationId": item.location_id,
            "available": plain(item.available),
            "requested": plain(asked),
        }


class SameLocation(DomainError):
    code = "SAME_LOCATION"


def stock_id(product_id: str, location_id: str) -> str:
    """The item's id: `PART-001@LOC-001`, each side escaped so any ids read back."""
    return f"{quote(product_id, safe='')}@{quote(location_id, safe='')}"


def stock_key(item_id: str) -> tuple[str, str] | None:
    """(product id, location id) of a `stock_id`, or None for text that is not one."""
    product, at, location = item_id.partition("@")
    if not at or not product or not location or "@" in location:
        return None
    return unquote(product), unquote(location)


@dataclass(eq=False)
class StockItem:
    tenant_id: str
    product_id: str
    location_id: str
    sku: str
    on_hand: Decimal = ZERO
    reserved: Decimal = ZERO
    reorder_point: Decimal = ZERO
    lead_time_days: int = 0
    """Days the location waits for more once what is available is gone (seed 004's
    `leadTime`): a replenishment setting, as the reorder point is."""
    version: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    movements: list[StockMovement] = field(default_factory=list, repr=False)
    """Recorded since the item was read: what its repository appends to the ledger."""
    reservations: list[Reservation] = field(default_factory=list, repr=False)
    """The ACTIVE ones when read, and those made or ended since."""
    events: list[DomainEvent] = field(default_factory=list, repr=False)
    _swept_until: datetime | None = field(default=None, init=False, repr=False)
    """No ACTIVE reservation expires at or before this instant (`expire_due` ran then and
    nothing held shorter was made since): a change reserving many times at one instant
    (a receipt filling 10,000 backorders) looks through the reservations once, not once
    per reservation."""

    @property
    def id(self) -> str:
        return stock_id(self.product_id, self.location_id)

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved

    def receive(
        self,
        quantity: Decimal,
        unit_cost: Decimal | None,
        reference: str | None,
        by: str,
        now: datetime,
    ) -> StockMovement:
        """Stock arrived from a supplier."""
        collect(
            check_quantity(quantity), check_unit_cost(unit_cost, True), check_reference(reference)
        )
        return self._move(MovementKind.RECEIPT, quantity, unit_cost, reference, None, None, by, now)

    def issue(
        self,
        quantity: Decimal,
        reference: str | None,
        by: str,
        now: datetime,
        unit_cost: Decimal | None = None,
        kind: MovementKind = MovementKind.ISSUE,
    ) -> StockMovement:
        """Stock left for a job or a counter sale (`kind` CONSUMPTION for a service order)."""
        collect(
            check_quantity(quantity), check_unit_cost(unit_cost, False), check_reference(reference)
        )
        return self._move(kind, -quantity, unit_cost, reference, None, None, by, now)

    def adjust(
        self, change: Decimal, reason: str | None, reference: str | None, by: str, now: datetime
    ) -> StockMovement:
        """A count or an inspection found more (`change` > 0) or less (< 0) than recorded."""
        collect(check_change(change), check_reason(reason), check_reference(reference))
        assert reason is not None
        return self._move(
            MovementKind.ADJUSTMENT, change, None, reference, reason.strip(), None, by, now
        )

    def set_reorder_point(
        self, reorder_point: Decimal, now: datetime, lead_time_days: int | None = None
    ) -> None:
        """Below this, the part should be reordered; a change that puts on-hand at or
        under it is a shortage as a falling on-hand is. The lead time, if given, is how
        long that reorder takes (kept otherwise)."""
        collect(check_level(reorder_point, "reorderPoint"), check_lead_time(lead_time_days))
        was_short = self._short()
        self.reorder_point = reorder_point
        if lead_time_days is not None:
            self.lead_time_days = lead_time_days
        self._after_change(was_short, now)

    def reservation(self, reservation_id: str) -> Reservation | None:
        """The ACTIVE reservation `reservation_id` of this item, or None."""
        for reservation in self.reservations:
            if reservation.id == reservation_id and reservation.is_active:
                return reservation
        return None

    def reserve(
        self,
        reservation_id: str,
        quantity: Decimal,
        reference_type: ReferenceType,
        reference_id: str,
        expires_at: datetime,
        by: str,
        now: datetime,
    ) -> Reservation:
        """Hold `quantity` for a piece of work until `expires_at`. Reservations already
        past their time are expired first, in this change: stock abandoned since the
        sweeper last ran does not block a new reservation."""
        collect(
            check_quantity(quantity),
            check_reference_id(reference_id),
            check_expiry(expires_at, now),
        )
        self.expire_due(now)
        if quantity > self.available:
            raise InsufficientStock(self, quantity)
        if self._swept_until is not None and expires_at <= self._swept_until:
            self._swept_until = None
        reservation = Reservation(
            id=reservation_id,
            product_id=self.product_id,
            location_id=self.location_id,
            quantity=quantity,
            reference_type=reference_type,
            reference_id=reference_id.strip(),
            expires_at=expires_at,
            reserved_by=by,
            reserved_at=now,
        )
        self.reservations.append(reservation)
        self.reserved += quantity
        self.events.append(
            StockReserved(
                **self._reservation_facts(reservation, now),
                expires_at=expires_at,
                reserved_by=by,
            )
        )
        return reservation

    def release(self, reservation: Reservation, by: str, now: datetime) -> None:
        """Give an ACTIVE reservation back: its quantity is available again."""
        self._end(reservation, ReservationStatus.RELEASED, by, now)
        self.events.append(
            ReservationReleased(**self._reservation_facts(reservation, now), released_by=by)
        )

    def consume(
        self, reservation: Reservation, quantity: Decimal | None, by: str, now: datetime
    ) -> StockMovement:
        """The reserved stock leaves: a CONSUMPTION movement of what was taken (all of it
        if `quantity` is None), and the reservation ends; what it held beyond that is
        given back, so on-hand falls by what was taken and reserved by what was held."""
        taken = reservation.quantity if quantity is None else quantity
        collect(check_quantity(taken))
        if taken > reservation.quantity:
            raise ReservationExceeded(reservation, taken)
        self._end(reservation, ReservationStatus.CONSUMED, by, now)
        movement = self._move(
            MovementKind.CONSUMPTION,
            -taken,
            None,
            reservation.reference_id,
            None,
            None,
            by,
            now,
        )
        reservation.consumed_quantity = taken
        reservation.movement_id = movement.id
        self.events.append(
            ReservationConsumed(
                **self._reservation_facts(reservation, now),
                consumed_quantity=taken,
                released_quantity=reservation.quantity - taken,
                movement_id=movement.id,
                consumed_by=by,
            )
        )
        return movement

    def consume_for_work(
        self,
        reference_type: ReferenceType,
        reference_id: str,
        quantity: Decimal,
        by: str,
        now: datetime,
    ) -> tuple[StockMovement | None, Decimal]:
        """Work used `quantity` here: one CONSUMPTION movement takes what is reserved for it
        first (those reservations end as consumed, soonest to expire first), then what is
        available. The part was used whatever the ledger says (seed 001's usage is
        fail-open), so what the ledger lacks is not refused but alerted: the shortfall is
        returned and published as a shortage, and on-hand never falls below reserved.
        Returns the movement (None if nothing could be issued) and the shortfall."""
        collect(check_quantity(quantity), check_reference_id(reference_id))
        held = sorted(
            (
                r
                for r in self.reservations
                if r.is_active
                and r.reference_type is reference_type
                and r.reference_id == reference_id
            ),
            key=lambda r: (r.expires_at, r.id),
        )
        consumed: list[tuple[Reservation, Decimal]] = []
        needed = quantity
        for reservation in held:
            if needed <= 0:
                break
            share = min(needed, reservation.quantity)
            needed -= share
            self._end(reservation, ReservationStatus.CONSUMED, by, now)
            consumed.append((reservation, share))
        taken = min(quantity, self.available)
        movement = None
        if taken > 0:
            movement = self._move(
                MovementKind.CONSUMPTION, -taken, None, reference_id, None, None, by, now
            )
        for reservation, share in consumed:
            assert movement is not None, "what was reserved is available to its work"
            reservation.consumed_quantity = share
            reservation.movement_id = movement.id
            self.events.append(
                ReservationConsumed(
                    **self._reservation_facts(reservation, now),
                    consumed_quantity=share,
                    released_quantity=reservation.quantity - share,
                    movement_id=movement.id,
                    consumed_by=by,
                )
            )
        shortfall = quantity - taken
        if shortfall > 0:
            self.events.append(self._shortage(now, shortfall, reference_id))
        return movement, shortfall

    def take_back(
        self, quantity: Decimal, reference: str | None, by: str, now: datetime
    ) -> StockMovement:
        """Stock that work took and did not use came back to the shelf: a RETURN."""
        collect(check_quantity(quantity), check_reference(reference))
        return self._move(MovementKind.RETURN, quantity, None, reference, None, None, by, now)

    def expire_due(self, now: datetime) -> list[Reservation]:
        """End every ACTIVE reservation past its time at `now`; the ones it ended."""
        if self._swept_until is not None and now <= self._swept_until:
            return []
        due = [r for r in self.reservations if r.is_due(now)]
        self._swept_until = now
        for reservation in due:
            self._end(reservation, ReservationStatus.EXPIRED, None, now)
            self.events.append(
                ReservationExpired(
                    **self._reservation_facts(reservation, now),
                    expires_at=reservation.expires_at,
                )
            )
        return due

    def _end(
        self, reservation: Reservation, status: ReservationStatus, by: str | None, now: datetime
    ) -> None:
        assert reservation.is_active and reservation in self.reservations
        reservation.end(status, by, now)
        self.reserved -= reservation.quantity

    def _reservation_facts(self, reservation: Reservation, now: datetime) -> dict[str, object]:
        return {
            "aggregate_id": self.id,
            "tenant_id": self.tenant_id,
            "occurred_at": now,
            "reservation_id": reservation.id,
            "product_id": self.product_id,
            "sku": self.sku,
            "location_id": self.location_id,
            "quantity": reservation.quantity,
            "reference_type": reservation.reference_type,
            "reference_id": reservation.reference_id,
            "on_hand": self.on_hand,
            "reserved": self.reserved,
        }

    def _move(
        self,
        kind: MovementKind,
        change: Decimal,
        unit_cost: Decimal | None,
        reference: str | None,
        reason: str | None,
        counterpart: str | None,
        by: str,
        now: datetime,
    ) -> StockMovement:
        if self.on_hand + change < self.reserved:
            raise InsufficientStock(self, -change)
        was_short = self._short()
        self.on_hand += change
        movement = StockMovement(
            id=str(uuid.uuid4()),
            kind=kind,
            product_id=self.product_id,
            sku=self.sku,
            location_id=self.location_id,
            quantity=change,
            on_hand_after=self.on_hand,
            unit_cost=unit_cost,
            reference=reference or None,
            reason=reason,
            counterpart_location_id=counterpart,
            recorded_by=by,
            occurred_at=now,
        )
        self.movements.append(movement)
        self.events.append(
            StockMoved(
                aggregate_id=self.id,
                tenant_id=self.tenant_id,
                occurred_at=now,
                movement_id=movement.id,
                kind=kind,
                product_id=self.product_id,
                sku=self.sku,
                location_id=self.location_id,
                quantity=change,
                on_hand=self.on_hand,
                reserved=self.reserved,
                unit_cost=unit_cost,
                reference=movement.reference,
                reason=reason,
                counterpart_location_id=counterpart,
                recorded_by=by,
            )
        )
        self._after_change(was_short, now)
        return movement

    def _short(self) -> bool:
        return self.on_hand <= self.reorder_point

    def _after_change(self, was_short: bool, now: datetime) -> None:
        if was_short or not self._short():
            return
        self.events.append(self._shortage(now))

    def _shortage(
        self, now: datetime, shortfall: Decimal | None = None, reference: str | None = None
    ) -> StockShortageDetected:
        return StockShortageDetected(
            aggregate_id=self.id,
            tenant_id=self.tenant_id,
            occurred_at=now,
            product_id=self.product_id,
            sku=self.sku,
            location_id=self.location_id,
            on_hand=self.on_hand,
            reserved=self.reserved,
            reorder_point=self.reorder_point,
            shortfall=shortfall,
            reference=reference,
        )


def transfer(
    source: StockItem,
    target: StockItem,
    quantity: Decimal,
    unit_cost: Decimal | None,
    reference: str | None,
    by: str,
    now: datetime,
) -> tuple[StockMovement, StockMovement]:
    """Move stock of one part from `source`'s location to `target`'s: the two legs are
    recorded on the two items and saved in one unit of work, so both or neither."""
    if source.location_id == target.location_id:
        raise SameLocation(
            f"Stock of {source.sku} is already at {source.location_id}; transfer it to "
            "another location.",
            field="toLocationId",
        )
    if source.product_id != target.product_id:
        raise InvalidInput("A transfer moves one part.", field="sku")
    collect(check_quantity(quantity), check_unit_cost(unit_cost, False), check_reference(reference))
    out = source._move(
        MovementKind.TRANSFER_OUT,
        -quantity,
        unit_cost,
        reference,
        None,
        target.location_id,
        by,
        now,
    )
    into = target._move(
        MovementKind.TRANSFER_IN,
        quantity,
        unit_cost,
        reference,
        None,
        source.location_id,
        by,
        now,
    )
    return out, into
