"""The parts and services catalog a clerk picks estimate lines from.

Prices and rates are whole cents and never negative; a SKU names one part of a tenant
(compared upper-case, so 'brk-pad-f' and 'BRK-PAD-F' are the same part); a service's
category is an upper-case word such as LABOR, DIAGNOSTIC or INSPECTION.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from domain.checks import check_identifier, check_text
from domain.edits import Edited
from domain.errors import DomainError, InvalidInput, ServiceUnavailable, collect
from domain.events import DomainEvent
from domain.money import CENT, DEFAULT_CURRENCY, check_currency, normalize_currency
from domain.tax import check_tax_code, normalize_tax_code

SKU = re.compile(r"^[A-Z0-9][A-Z0-9._/-]{0,63}$")
SERVICE_CATEGORY = re.compile(r"^[A-Z][A-Z0-9_]{0,31}$")
LARGEST_PRICE = Decimal("1e16")
LARGEST_LABOR_UNITS = Decimal("1e8")


class Availability(StrEnum):
    IN_STOCK = "IN_STOCK"
    OUT_OF_STOCK = "OUT_OF_STOCK"
    DISCONTINUED = "DISCONTINUED"


class PricingModel(StrEnum):
    TIME_BASED = "TIME_BASED"
    FLAT_RATE = "FLAT_RATE"


class PartNotFound(DomainError):
    code = "PART_NOT_FOUND"


class ServiceNotFound(DomainError):
    code = "SERVICE_NOT_FOUND"


class CatalogServiceUnavailable(ServiceUnavailable):
    """Seed 001's code for a catalog that cannot be read: the estimate editor's pickers
    tell it apart from other outages (and may offer to retry only the picker)."""

    code = "CATALOG_SERVICE_UNAVAILABLE"

    def __init__(self) -> None:
        super().__init__(
            "The catalog did not answer in time; nothing was changed. Search again in a moment."
        )


class CategoryNotFound(DomainError):
    code = "CATEGORY_NOT_FOUND"


class DuplicateSku(DomainError):
    code = "DUPLICATE_SKU"


def check_amount(
    value: Decimal | None, field: str, what: str, largest: Decimal = LARGEST_PRICE
) -> InvalidInput | None:
    """A non-negative amount in whole cents, so nothing is rounded away silently on save
    (the records keep it to the cent, as the database does)."""
    if value is None:
        return InvalidInput(f"Enter the {what}.", field=field)
    if not value.is_finite():
        return InvalidInput(f"Enter the {what} as a number; got {value}.", field=field)
    if value < 0:
        return InvalidInput(f"The {what} cannot be negative; got {value}.", field=field)
    if value >= largest:
        return InvalidInput(f"The {what} must be below {largest:,.0f}; got {value}.", field=field)
    if value != value.quantize(Decimal("0.01")):
        return InvalidInput(f"The {what} has at most two decimal places; got {value}.", field=field)
    return None


def normalize_sku(sku: str) -> str:
    return sku.strip().upper()


def check_sku(sku: str | None) -> InvalidInput | None:
    if sku is None or not sku.strip():
        return InvalidInput("A part needs its SKU.", field="sku")
    if not SKU.match(normalize_sku(sku)):
        return InvalidInput(
            f"SKU '{sku.strip()}' may hold letters, digits and . _ / - only, at most 64 "
            "characters.",
            field="sku",
        )
    return None


def normalize_category(category: str | None) -> str | None:
    return category.strip().upper() if category and category.strip() else None


def check_service_category(category: str | None) -> InvalidInput | None:
    value = normalize_category(category)
    if value is None:
        return InvalidInput(
            "A service needs a category such as LABOR, DIAGNOSTIC or INSPECTION.",
            field="category",
        )
    if not SERVICE_CATEGORY.match(value):
        return InvalidInput(
            f"Category '{value}' must be one word of letters, digits and _ (at most 32).",
            field="category",
        )
    return None


@dataclass(frozen=True, slots=True)
class ProductCategory:
    id: str
    name: str
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def __post_init__(self) -> None:
        collect(
            check_identifier(self.id, "categoryId"),
            check_text(self.name, "name", "A category needs a name."),
        )
        object.__setattr__(self, "name", self.name.strip())


@dataclass(eq=False)
class Part(Edited):
    """A stocked part; `category_name` is read with it and never written through it.

    The seeds publish no catalog events, so a part records none (`events` stays empty).
    """

    id: str
    sku: str
    name: str
    unit_price: Decimal
    description: str | None = None
    currency_uom_id: str = DEFAULT_CURRENCY
    tax_code: str | None = None
    availability: Availability = Availability.IN_STOCK
    category_id: str | None = None
    category_name: str | None = None
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None
    events: list[DomainEvent] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        collect(
            check_identifier(self.id, "productId"),
            check_sku(self.sku),
            check_text(self.name, "name", "A part needs a name."),
            check_amount(self.unit_price, "unitPrice", "unit price"),
            check_currency(self.currency_uom_id),
            _optional_tax_code(self.tax_code),
            None if self.availability is not None else _missing("availability"),
        )
        self.sku = normalize_sku(self.sku)
        self.name = self.name.strip()
        self.unit_price = self.unit_price.quantize(CENT)
        self.currency_uom_id = normalize_currency(self.currency_uom_id)
        self.availability = Availability(self.availability)
        self.tax_code = normalize_tax_code(self.tax_code)
        self.category_id = self.category_id or None

    def edit(self, **changes: Any) -> None:
        """The part as a clerk edited it, if every field passes; the saved version will
        be one more."""
        self._apply(changes)


@dataclass(eq=False)
class Service(Edited):
    """Labor or a service; `unit_rate` per labor unit when TIME_BASED, the price if FLAT_RATE.

    Like a part, it records no events: the seeds publish none for the catalog.
    """

    id: str
    name: str
    pricing_model: PricingModel
    unit_rate: Decimal
    category: str
    labor_units: Decimal = Decimal("0")
    description: str | None = None
    currency_uom_id: str = DEFAULT_CURRENCY
    tax_code: str | None = None
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None
    events: list[DomainEvent] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        collect(
            check_identifier(self.id, "serviceId"),
            check_text(self.name, "name", "A service needs a name."),
            None if self.pricing_model is not None else _missing("pricingModel"),
            check_amount(self.unit_rate, "unitRate", "unit rate"),
            check_amount(self.labor_units, "laborUnits", "labor units", LARGEST_LABOR_UNITS),
            check_service_category(self.category),
            check_currency(self.currency_uom_id),
            _optional_tax_code(self.tax_code),
        )
        self.name = self.name.strip()
        self.currency_uom_id = normalize_currency(self.currency_uom_id)
        self.pricing_model = PricingModel(self.pricing_model)
        self.unit_rate = self.unit_rate.quantize(CENT)
        self.labor_units = self.labor_units.quantize(CENT)
        self.category = normalize_category(self.category)
        self.tax_code = normalize_tax_code(self.tax_code)

    def edit(self, **changes: Any) -> None:
        self._apply(changes)


def _missing(field: str) -> InvalidInput:
    return InvalidInput(f"Choose a value for {field}.", field=field)


def _optional_tax_code(code: str | None) -> InvalidInput | None:
    """Catalog items may wait for a tax code; estimates then ask for one (MISSING_TAX_CODE)."""
    return check_tax_code(code) if normalize_tax_code(code) else None
