"""What the inventory use cases ask of their repositories: the port's inventory side."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from domain.inventory.movements import MovementFilter, StockMovement
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


class InventoryWork(Protocol):
    @property
    def stock(self) -> StockStore: ...

    @property
    def stock_ledger(self) -> StockLedgerStore: ...
