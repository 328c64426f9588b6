"""The lines of an estimate with its discount and totals, as one immutable value.

Every change returns a new value, priced again by `calculate_totals`: the totals are
computed before anything is replaced, so a change that breaks a pricing rule leaves the
estimate as it was. Whether the estimate may change at all (a draft only) is the
aggregate's rule, not this value's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from domain.errors import DuplicateId, collect
from domain.estimates.items import EstimateItem
from domain.estimates.status import EmptyEstimate, ItemNotFound
from domain.estimates.totals import (
    EMPTY_TOTALS,
    NO_DISCOUNT,
    Discount,
    EstimateTotals,
    calculate_totals,
)
from domain.money import DEFAULT_CURRENCY
from domain.tax import MissingTaxCode, TaxCode


@dataclass(frozen=True, slots=True)
class EstimateLines:
    """The priced lines in their order, the estimate-level discount, and what they total."""

    items: tuple[EstimateItem, ...] = ()
    discount: Discount = NO_DISCOUNT
    totals: EstimateTotals = EMPTY_TOTALS
    currency_uom_id: str = DEFAULT_CURRENCY

    def check_quotable(self, number: str) -> None:
        """The lines can be sent to a customer: there is one, and each has a tax code."""
        if not self.items:
            raise EmptyEstimate(
                f"Estimate {number} has no lines; add a part or a service before submitting it."
            )
        collect(
            *(
                MissingTaxCode(
                    f"Line '{item.description}' has no tax code; all items must have a tax "
                    "code before the estimate is submitted.",
                    field=f"items[{i}].taxCode",
                )
                for i, item in enumerate(self.items)
                if item.tax_code is None
            )
        )

    def with_item(self, item: EstimateItem, tax_codes: Mapping[str, TaxCode]) -> EstimateLines:
        """`item` added last; its id must be new to the estimate."""
        if any(existing.item_id == item.item_id for existing in self.items):
            raise DuplicateId("Estimate item", item.item_id, "itemId")
        return self._priced((*self.items, item), self.discount, tax_codes)

    def with_quantity(
        self, item_id: str, quantity: Decimal, tax_codes: Mapping[str, TaxCode]
    ) -> EstimateLines:
        """The line `item_id` at `quantity`, in its place."""
        index = self._index(item_id)
        items = list(self.items)
        items[index] = items[index].with_quantity(quantity)
        return self._priced(tuple(items), self.discount, tax_codes)

    def without_item(self, item_id: str, tax_codes: Mapping[str, TaxCode]) -> EstimateLines:
        index = self._index(item_id)
        return self._priced(self.items[:index] + self.items[index + 1 :], self.discount, tax_codes)

    def with_discount(self, discount: Discount, tax_codes: Mapping[str, TaxCode]) -> EstimateLines:
        return self._priced(self.items, discount, tax_codes)

    def _priced(
        self,
        items: tuple[EstimateItem, ...],
        discount: Discount,
        tax_codes: Mapping[str, TaxCode],
    ) -> EstimateLines:
        totals = calculate_totals(items, discount, tax_codes, self.currency_uom_id)
        return EstimateLines(items, discount, totals, self.currency_uom_id)

    def _index(self, item_id: str) -> int:
        for index, item in enumerate(self.items):
            if item.item_id == item_id:
                return index
        raise ItemNotFound(item_id)
