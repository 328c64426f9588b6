"""What the inventory use cases ask of their repositories: the port's inventory side."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from domain.inventory.customer_view import InventoryViewFilter, StockedPart, ValueGroup, Viewer
from domain.inventory.movements import MovementFilter, StockMovement
from domain.inventory.reservations import Reservation, ReservationFilter
from domain.inventory.shortages import ShortageAlert, ShortageFilter
from domain.inventory.stock import StockItem
from domain.paging import PageRequest
from resolvers.changes import Changeable


class StockStore(Changeable[StockItem], Protocol):
    """Stock items by `stock_id`. `get` answers an empty item (version 0) for a pair
    never stocked, None only for a part this tenant has not; with `lock` the pair's row
    is created if missing and held until commit."""

    async def locked_to_reserve(
        self, pairs: Sequence[tuple[str, str]], now: datetime
    ) -> dict[tuple[str, str], StockItem]:
        """The items of the (product, location) pairs, locked in (product, location) order
        and tracked, to reserve from at `now`: an item may hold, of its ACTIVE
        reservations, only those due at `now`; a part this tenant lacks is left out."""
        ...

    async def locked_if_stocked(
        self, product_id: str | None, sku: str | None, location_id: str
    ) -> StockItem | None:
        """The stored item of the part (by id, SKU or both: they must agree) at the
        location, locked and tracked as `get(..., lock=True)` leaves it; None if the pair
        has no level row, for whatever reason (the caller tells apart which)."""
        ...

    async def levels_of_products(
        self, product_ids: Sequence[str]
    ) -> dict[str, list[StockItem]]: ...

    async def levels_at_locations(
        self, location_ids: Sequence[str], request: PageRequest
    ) -> dict[str, list[StockItem]]:
        """One page, in SKU order, of each location's stocked parts."""
        ...


class StockLedgerStore(Protocol):
    async def movements(self, wanted: MovementFilter, request: PageRequest) -> list[StockMovement]:
        """One page, newest first, and one movement more if another page follows."""
        ...

    async def count(self, wanted: MovementFilter) -> int: ...

    async def by_ids(self, movement_ids: Sequence[str]) -> dict[str, StockMovement]:
        """The movements with those ids (one statement however many)."""
        ...


class ShortageAlertStore(Protocol):
    async def record(self, alert: ShortageAlert) -> bool:
        """Keep `alert` unless it is kept already (a redelivery); whether it was new."""
        ...

    async def alerts(self, wanted: ShortageFilter, request: PageRequest) -> list[ShortageAlert]:
        """One page, newest first, and one alert more if another page follows."""
        ...

    async def count(self, wanted: ShortageFilter) -> int: ...


class ReservationStore(Protocol):
    async def find(self, reservation_id: str) -> Reservation | None:
        """The reservation in whatever state it is, or None."""
        ...

    async def reservations(
        self, wanted: ReservationFilter, request: PageRequest
    ) -> list[Reservation]:
        """One page, newest first, and one more if another page follows."""
        ...

    async def count(self, wanted: ReservationFilter) -> int: ...

    async def active_of_items(
        self, pairs: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], list[Reservation]]:
        """The ACTIVE reservations of each (product, location), soonest to expire first."""
        ...


class LoneReservationStore(Protocol):
    """A reservation in two statements that stand alone, in a unit of work that opens no
    transaction (persistence/repositories/inventory/lone_reservations.py)."""

    async def level(
        self, product_id: str | None, sku: str | None, location_id: str, now: datetime
    ) -> StockItem | None:
        """The part's item at the location as stored now (unlocked, untracked, without
        its reservations); None if there is no such level or it holds a reservation due
        by `now`."""
        ...

    async def saved_alone(self, item: StockItem, reservation: Reservation) -> bool:
        """Write the item's change (`reservation` added) and its events in one statement
        if the level is still at the item's version; whether it was."""
        ...


class CustomerInventoryStore(Protocol):
    """Stocked pairs as customers' views read them (every read live, nothing cached)."""

    async def viewer(self, customer_id: str) -> Viewer | None:
        """The customer with the discount this tenant set for their tier, if any."""
        ...

    async def stocked(
        self, customer_id: str, wanted: InventoryViewFilter, request: PageRequest
    ) -> list[StockedPart]:
        """One page in SKU then location order, each with the customer's price line of its
        part, and one pair more if another page follows."""
        ...

    async def count(self, wanted: InventoryViewFilter) -> int: ...

    async def value_groups(self, customer_id: str, wanted: InventoryViewFilter) -> list[ValueGroup]:
        """What is available of every matching pair, summed per price group."""
        ...


class InventoryWork(Protocol):
    @property
    def stock(self) -> StockStore: ...

    @property
    def stock_ledger(self) -> StockLedgerStore: ...

    @property
    def stock_reservations(self) -> ReservationStore: ...

    @property
    def lone_reservations(self) -> LoneReservationStore: ...

    @property
    def shortage_alerts(self) -> ShortageAlertStore: ...
    def customer_inventory(self) -> CustomerInventoryStore: ...
