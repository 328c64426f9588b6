"""What the customer pricing use cases ask of their repositories."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

from domain.inventory.pricing import CustomerPriceList
from domain.inventory.tiers import TierDiscount
from resolvers.changes import Changeable


class CustomerPriceStore(Changeable[CustomerPriceList], Protocol):
    """Price lists by customer id: `get` answers an empty list at version 0 for a
    customer who never had one, None only for a customer this tenant has not."""

    async def of_customers(self, customer_ids: Sequence[str]) -> dict[str, CustomerPriceList]:
        """The stored lists of these customers; one who never had one is left out."""
        ...


class TierDiscountStore(Protocol):
    async def stored(self) -> list[TierDiscount]:
        """The discounts this tenant set (tiers it set none of are not in it)."""
        ...

    async def put(self, discount: TierDiscount, version: int | None) -> TierDiscount:
        """Create (`version` None) or replace at `version`; else VERSION_CONFLICT."""
        ...


class ReceivableStore(Protocol):
    async def open_receivable(self, customer_id: str) -> Decimal:
        """What the customer owes on account plus their service orders not yet billed
        (sales orders are counted by the sales use cases)."""
        ...


class CustomerPricingWork(Protocol):
    @property
    def customer_prices(self) -> CustomerPriceStore: ...

    @property
    def tier_discounts(self) -> TierDiscountStore: ...

    @property
    def receivables(self) -> ReceivableStore: ...
