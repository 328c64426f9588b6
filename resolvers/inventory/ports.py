"""What the inventory use cases ask of their repositories: the port's inventory side."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from domain.inventory.movements import MovementFilter, StockMovement
from domain.inventory.reservations import Reservation, ReservationFilter
from domain.inventory.stock import StockItem
from domain.paging import PageRequest
from resolvers.changes import Changeable


class StockStore(Changeable[StockItem], Protocol):
    """Stock items by `stock_id`. `get` answers an empty item (version 0) for a pair
    never stocked, None only for a part this tenant has not; with `lock` the pair's row
    is created if missing and held until commit."""

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


class InventoryWork(Protocol):
    @property
    def stock(self) -> StockStore: ...

    @property
    def stock_ledger(self) -> StockLedgerStore: ...

    @property
    def stock_reservations(self) -> ReservationStore: ...
