"""The lines of an estimate: parts (materials) and services, priced when they are added.

A line keeps the price, description and tax code it was added with, so a later catalog
change never alters an estimate a customer has already seen. Catalog prices are the
rule: a clerk may charge another price for a catalog part only with
`workexec:estimate:override_price`, and may add a part the catalog does not have only
with `workexec:estimate:add_non_catalog_part`.

Services are taxed as LABOR when billed by time (TIME_BASED) and as SERVICE when sold
at a flat rate, the item types the location's tax codes are configured for.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from domain.catalog import Part, PricingModel, Service, check_amount
from domain.checks import check_text
from domain.errors import Forbidden, InvalidInput, collect
from domain.identity import Permission, Principal
from domain.money import CENT, to_cents
from domain.tax import ItemType, check_tax_code, normalize_tax_code

OVERRIDE_PRICE = Permission.ESTIMATE_OVERRIDE_PRICE
ADD_NON_CATALOG_PART = Permission.ESTIMATE_ADD_NON_CATALOG_PART
QUANTITY_PLACES = Decimal("0.001")
LARGEST_QUANTITY = Decimal("1e6")


def check_quantity(quantity: Decimal | None, field: str = "quantity") -> InvalidInput | None:
    """Quantities are positive; three decimals allow 0.25 hours or 1.5 quarts of oil."""
    if quantity is None or not quantity.is_finite() or quantity <= 0:
        return InvalidInput(f"Enter a quantity above zero; got {quantity}.", field=field)
    if quantity >= LARGEST_QUANTITY:
        return InvalidInput(
            f"The quantity must be below {LARGEST_QUANTITY:,.0f}; got {quantity}.", field=field
        )
    if quantity != quantity.quantize(QUANTITY_PLACES):
        return InvalidInput(
            f"A quantity has at most three decimal places; got {quantity}.", field=field
        )
    return None


def plain_quantity(quantity: Decimal) -> Decimal:
    """2 rather than 2.000, 1.5 rather than 1.500: one spelling however it was typed or stored."""
    if quantity == quantity.to_integral_value():
        return quantity.quantize(Decimal(1))
    return quantity.normalize()


@dataclass(frozen=True, slots=True)
class EstimateItem:
    """One priced line; `labor_units` is set only for services billed by time.

    `catalog_id` is the part's or service's catalog id, None for a non-catalog part.
    """

    item_id: str
    item_type: ItemType
    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_code: str | None
    catalog_id: str | None = None
    labor_units: Decimal | None = None
    price_overridden: bool = False

    def __post_init__(self) -> None:
        collect(
            check_text(self.item_id, "itemId", "An estimate line needs an id.", max_length=64),
            check_text(self.description, "description", "Describe the line for the customer."),
            check_quantity(self.quantity),
            check_amount(self.unit_price, "unitPrice", "unit price"),
            check_tax_code(self.tax_code) if normalize_tax_code(self.tax_code) else None,
        )
        object.__setattr__(self, "description", self.description.strip())
        object.__setattr__(self, "quantity", plain_quantity(self.quantity))
        object.__setattr__(self, "unit_price", self.unit_price.quantize(CENT))
        object.__setattr__(self, "tax_code", normalize_tax_code(self.tax_code))

    @property
    def is_material(self) -> bool:
        return self.item_type == ItemType.PART

    @property
    def subtotal(self) -> Decimal:
        """Quantity x price (x labor units when billed by time), rounded half-up once."""
        units = self.labor_units if self.labor_units is not None else Decimal(1)
        return to_cents(self.quantity * units * self.unit_price)

    def with_quantity(self, quantity: Decimal) -> EstimateItem:
        """The same line at another quantity; the quantity is checked like a new line's."""
        return replace(self, quantity=quantity)


def part_item(
    item_id: str,
    part: Part,
    quantity: Decimal,
    by: Principal,
    unit_price: Decimal | None = None,
) -> EstimateItem:
    """A catalog part at its catalog price, or at `unit_price` if `by` may override prices."""
    overridden = unit_price is not None and unit_price != part.unit_price
    if overridden and not by.may(OVERRIDE_PRICE):
        raise Forbidden(
            f"Charging {unit_price} instead of the catalog price {part.unit_price} for "
            f"{part.sku} needs the permission {OVERRIDE_PRICE}; ask a manager.",
            field="unitPrice",
        )
    return EstimateItem(
        item_id=item_id,
        item_type=ItemType.PART,
        description=part.description or part.name,
        quantity=quantity,
        unit_price=unit_price if unit_price is not None else part.unit_price,
        tax_code=part.tax_code,
        catalog_id=part.id,
        price_overridden=overridden,
    )


def non_catalog_part_item(
    item_id: str,
    description: str,
    unit_price: Decimal,
    quantity: Decimal,
    tax_code: str | None,
    by: Principal,
) -> EstimateItem:
    """A part the catalog does not list (sourced for this job), if `by` may add one."""
    if not by.may(ADD_NON_CATALOG_PART):
        raise Forbidden(
            f"Adding a part that is not in the catalog needs the permission "
            f"{ADD_NON_CATALOG_PART}; pick the part from the catalog or ask a manager.",
            field="productId",
        )
    return EstimateItem(
        item_id=item_id,
        item_type=ItemType.PART,
        description=description,
        quantity=quantity,
        unit_price=unit_price,
        tax_code=tax_code,
    )


def service_item(item_id: str, service: Service, quantity: Decimal) -> EstimateItem:
    """FLAT_RATE charges the rate per quantity; TIME_BASED charges labor units x rate."""
    time_based = service.pricing_model == PricingModel.TIME_BASED
    return EstimateItem(
        item_id=item_id,
        item_type=ItemType.LABOR if time_based else ItemType.SERVICE,
        description=service.description or service.name,
        quantity=quantity,
        unit_price=service.unit_rate,
        tax_code=service.tax_code,
        catalog_id=service.id,
        labor_units=service.labor_units if time_based else None,
    )
