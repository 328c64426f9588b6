"""What an estimate costs: subtotals, discount, tax per line and the grand total.

Discount before tax, as US sales tax treats a seller's discount: a discount the shop
gives lowers the taxable price, so the customer pays no tax on money they were never
charged. The estimate-level discount (a percent from 0 to 100, or an amount) is spread
over the lines in proportion to their subtotals, to the cent, with the leftover cents
going to the lines that lost the most in rounding; each line is then taxed on its
discounted subtotal by `domain.tax.calculate_tax` (half-up to the cent, per line).

Lines without a tax code are carried untaxed while the estimate is a draft; submitting
refuses them (MISSING_TAX_CODE). The subtotals of services and materials are before
discount, as the quote event reports them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from domain.catalog import check_amount
from domain.errors import DomainError, InvalidInput, collect
from domain.estimates.items import EstimateItem
from domain.money import CENT, to_cents
from domain.tax import TaxableItem, TaxCode, calculate_tax

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


class DiscountExceedsSubtotal(DomainError):
    code = "DISCOUNT_EXCEEDS_SUBTOTAL"


@dataclass(frozen=True, slots=True)
class Discount:
    """A percent of the subtotal or a fixed amount off, never both; neither is no discount."""

    percent: Decimal | None = None
    amount: Decimal | None = None

    def __post_init__(self) -> None:
        if self.percent is not None and self.amount is not None:
            raise InvalidInput(
                "Give the discount as a percent or as an amount, not both.", field="discount"
            )
        collect(
            None if self.percent is None else _check_percent(self.percent),
            None
            if self.amount is None
            else check_amount(self.amount, "discountAmount", "discount amount"),
        )
        for name in ("percent", "amount"):  # whole cents, checked above: one spelling
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, value.quantize(CENT))

    def amount_off(self, subtotal: Decimal) -> Decimal:
        """The discount in money on `subtotal`; an amount above it would make a negative total."""
        if self.percent is not None:
            return to_cents(subtotal * self.percent / HUNDRED)
        amount = self.amount if self.amount is not None else ZERO
        if amount > subtotal:
            raise DiscountExceedsSubtotal(
                f"A discount of {amount} is more than the estimate's subtotal of {subtotal}; "
                "lower the discount (or remove it) first.",
                field="discountAmount",
            )
        return amount


NO_DISCOUNT = Discount()


def _check_percent(percent: Decimal) -> InvalidInput | None:
    if not percent.is_finite() or not 0 <= percent <= HUNDRED:
        return InvalidInput(
            f"A discount percent is from 0 to 100; got {percent}.", field="discountPercent"
        )
    if percent != percent.quantize(CENT):
        return InvalidInput(
            f"A discount percent has at most two decimal places; got {percent}.",
            field="discountPercent",
        )
    return None


@dataclass(frozen=True, slots=True)
class LineTotal:
    """One line after discount and tax, as the customer's breakdown shows it."""

    item_id: str
    subtotal: Decimal
    discount: Decimal
    tax_amount: Decimal

    @property
    def line_total(self) -> Decimal:
        return self.subtotal - self.discount + self.tax_amount


@dataclass(frozen=True, slots=True)
class EstimateTotals:
    subtotal_services: Decimal
    subtotal_materials: Decimal
    discount_amount: Decimal
    tax_total: Decimal
    grand_total: Decimal
    item_count: int
    lines: tuple[LineTotal, ...]

    @property
    def subtotal(self) -> Decimal:
        return self.subtotal_services + self.subtotal_materials


EMPTY_TOTALS = EstimateTotals(ZERO, ZERO, ZERO, ZERO, ZERO, 0, ())


def calculate_totals(
    items: Sequence[EstimateItem],
    discount: Discount,
    tax_codes: Mapping[str, TaxCode],
    currency_uom_id: str,
) -> EstimateTotals:
    """Every figure of the estimate, or the rule the lines or discount break."""
    services = sum((i.subtotal for i in items if not i.is_material), ZERO)
    materials = sum((i.subtotal for i in items if i.is_material), ZERO)
    discount_amount = discount.amount_off(services + materials)
    shares = allocate(discount_amount, [i.subtotal for i in items])
    taxable = [
        TaxableItem(i.item_id, i.item_type, i.subtotal - share, i.tax_code)
        for i, share in zip(items, shares, strict=True)
        if i.tax_code is not None
    ]
    taxes = {
        t.item_id: t.tax_amount for t in calculate_tax(taxable, tax_codes, currency_uom_id).items
    }
    lines = tuple(
        LineTotal(i.item_id, i.subtotal, share, taxes.get(i.item_id, ZERO))
        for i, share in zip(items, shares, strict=True)
    )
    tax_total = sum((line.tax_amount for line in lines), ZERO)
    return EstimateTotals(
        subtotal_services=services,
        subtotal_materials=materials,
        discount_amount=discount_amount,
        tax_total=tax_total,
        grand_total=services + materials - discount_amount + tax_total,
        item_count=len(items),
        lines=lines,
    )


def allocate(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split `amount` over `weights` in proportion, to the cent, summing exactly to `amount`.

    Each share is first rounded down; the cents left over go one by one to the shares
    that lost most in rounding (the earlier line on a tie), so no line gets more than
    its proportion plus a cent.
    """
    total = sum(weights, ZERO)
    if amount == 0 or total == 0:
        return [ZERO for _ in weights]
    exact = [amount * w / total for w in weights]
    shares = [e.quantize(CENT, rounding=ROUND_DOWN) for e in exact]
    left = int((amount - sum(shares, ZERO)) / CENT)
    by_loss = sorted(range(len(weights)), key=lambda i: (shares[i] - exact[i], i))
    for i in by_loss[:left]:
        shares[i] += CENT
    return shares
