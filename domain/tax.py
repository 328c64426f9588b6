"""Tax codes of a location and the tax on an estimate's lines.

Tax is computed per line and rounded half-up to the cent; the totals are sums of the
rounded lines, so the lines a customer sees always add up to the total they pay.

Every faulty line is reported at once (`items[i].<field>`), so a clerk fixes an
estimate in one pass: a line without a tax code is MISSING_TAX_CODE, a code the
location does not have is TAX_CODE_NOT_CONFIGURED, and a code that exists but does not
cover the line's item type (TAXABLE_GOODS on labor) is TAX_CODE_NOT_APPLICABLE.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from domain.checks import check_text
from domain.errors import DomainError, InvalidInput, VersionConflict, collect
from domain.money import CENT, to_cents

TAX_CODE = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")
RATE_PLACES = Decimal("0.000001")
MAX_LINES = 1000
LARGEST_SUBTOTAL = Decimal("1e15")


class ItemType(StrEnum):
    PART = "PART"
    LABOR = "LABOR"
    SERVICE = "SERVICE"
    FEE = "FEE"


class TaxCodeNotConfigured(DomainError):
    code = "TAX_CODE_NOT_CONFIGURED"


class MissingTaxCode(DomainError):
    code = "MISSING_TAX_CODE"


class TaxCodeNotApplicable(DomainError):
    code = "TAX_CODE_NOT_APPLICABLE"


def normalize_tax_code(code: str | None) -> str | None:
    return code.strip().upper() if code and code.strip() else None


def check_tax_code(code: str | None, field: str = "taxCode") -> InvalidInput | None:
    value = normalize_tax_code(code)
    if value is None or not TAX_CODE.match(value):
        return InvalidInput(
            f"Tax code '{code}' must be one word of letters, digits and _ such as "
            "TAXABLE_GOODS (at most 64 characters).",
            field=field,
        )
    return None


def tax_code_conflict(location_id: str, code: str, version: int | None) -> VersionConflict:
    """A tax code is set with the version the administrator read: none to create it."""
    if version is None:
        return VersionConflict(
            f"Location '{location_id}' has tax code {code} already; read it and send its "
            "version to replace it.",
            field="version",
        )
    return VersionConflict(
        f"Tax code {code} of location '{location_id}' is not at version {version} (someone "
        "changed it meanwhile, or it does not exist); reload it and apply your change again.",
        field="version",
    )


def check_rate(rate: Decimal | None) -> InvalidInput | None:
    """A rate is a fraction (0.08 is 8%); 1 or more is almost surely a percentage typed in."""
    if rate is None or not rate.is_finite() or not 0 <= rate < 1:
        return InvalidInput(
            f"A tax rate is a fraction from 0 up to (not including) 1, e.g. 0.08 for 8%; "
            f"got {rate}.",
            field="rate",
        )
    if rate != rate.quantize(RATE_PLACES):
        return InvalidInput(f"A tax rate has at most six decimal places; got {rate}.", field="rate")
    return None


def check_item_types(item_types: Collection[ItemType] | None) -> InvalidInput | None:
    if not item_types:
        return InvalidInput(
            "A tax code applies to at least one item type (PART, LABOR, SERVICE or FEE).",
            field="applicableItemTypes",
        )
    return None


@dataclass(frozen=True, slots=True)
class TaxCode:
    """One tax code as a location configures it; `rate` is a fraction (0.08 = 8%)."""

    location_id: str
    code: str
    description: str
    rate: Decimal
    applicable_item_types: tuple[ItemType, ...]
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def __post_init__(self) -> None:
        collect(
            check_tax_code(self.code),
            check_text(self.description, "description", "Describe what the tax code covers."),
            check_rate(self.rate),
            check_item_types(self.applicable_item_types),
        )
        object.__setattr__(self, "code", normalize_tax_code(self.code))
        object.__setattr__(self, "description", self.description.strip())
        object.__setattr__(self, "rate", self.rate.normalize())
        chosen = {ItemType(t) for t in self.applicable_item_types}
        object.__setattr__(self, "applicable_item_types", tuple(t for t in ItemType if t in chosen))

    def applies_to(self, item_type: ItemType) -> bool:
        return item_type in self.applicable_item_types


@dataclass(frozen=True, slots=True)
class TaxableItem:
    """An estimate line as the caller sends it; checked only by `calculate_tax`."""

    item_id: str
    item_type: ItemType
    subtotal: Decimal
    tax_code: str | None


@dataclass(frozen=True, slots=True)
class TaxedItem:
    item_id: str
    tax_amount: Decimal
    line_total: Decimal


@dataclass(frozen=True, slots=True)
class TaxCalculation:
    items: list[TaxedItem]
    subtotal: Decimal
    total_tax: Decimal
    grand_total: Decimal
    currency_uom_id: str


def calculate_tax(
    items: Sequence[TaxableItem], configured: Mapping[str, TaxCode], currency_uom_id: str
) -> TaxCalculation:
    """Tax each line at its code's rate, or refuse with every faulty line named."""
    if len(items) > MAX_LINES:
        raise InvalidInput(
            f"At most {MAX_LINES} lines can be taxed at once; got {len(items)}.", field="items"
        )
    problems = [p for i, line in enumerate(items) for p in _problems(i, line, configured)]
    collect(*problems)
    taxed = []
    for item in items:
        rate = configured[normalize_tax_code(item.tax_code) or ""].rate
        tax = to_cents(item.subtotal * rate)
        taxed.append(TaxedItem(item.item_id, tax, item.subtotal + tax))
    subtotal = sum((item.subtotal for item in items), Decimal("0.00"))
    total_tax = sum((line.tax_amount for line in taxed), Decimal("0.00"))
    return TaxCalculation(
        items=taxed,
        subtotal=subtotal,
        total_tax=total_tax,
        grand_total=subtotal + total_tax,
        currency_uom_id=currency_uom_id,
    )


def _problems(
    index: int, item: TaxableItem, configured: Mapping[str, TaxCode]
) -> list[DomainError]:
    problems: list[DomainError] = []
    subtotal = item.subtotal
    if not subtotal.is_finite() or subtotal < 0 or subtotal >= LARGEST_SUBTOTAL:
        problems.append(
            InvalidInput(
                f"Line {item.item_id}: the subtotal must be a non-negative amount below "
                f"{LARGEST_SUBTOTAL:,.0f}; got {subtotal}.",
                field=f"items[{index}].subtotal",
            )
        )
    elif subtotal != subtotal.quantize(CENT):
        problems.append(
            InvalidInput(
                f"Line {item.item_id}: the subtotal has at most two decimal places; got "
                f"{subtotal}.",
                field=f"items[{index}].subtotal",
            )
        )
    code = normalize_tax_code(item.tax_code)
    field = f"items[{index}].taxCode"
    if code is None:
        problems.append(
            MissingTaxCode(
                f"Line {item.item_id} has no tax code; all items must have a tax code.",
                field=field,
            )
        )
    elif code not in configured:
        problems.append(
            TaxCodeNotConfigured(
                f"Tax code '{code}' is not available for this location; choose another or "
                "contact an administrator.",
                field=field,
            )
        )
    elif not configured[code].applies_to(item.item_type):
        allowed = ", ".join(configured[code].applicable_item_types)
        problems.append(
            TaxCodeNotApplicable(
                f"Tax code '{code}' covers {allowed} items, not {item.item_type}; choose a tax "
                f"code for {item.item_type} on line {item.item_id}.",
                field=field,
            )
        )
    return problems
