"""Customer tiers and the discount each tier gets off the list price, per tenant.

A tenant that set no discount for a tier gets `DEFAULT_TIER_DISCOUNTS` (0, 5, 10 and 15
percent for BRONZE to PLATINUM): every customer starts BRONZE, so a tenant that never
touches tiers sells at list price. A discount is configuration set whole under its
natural key (the tier), like a tax code: created without a version, replaced at the
version read (docs/decisions.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from domain.errors import InvalidInput, VersionConflict

HUNDRED = Decimal(100)
PERCENT_PLACES = Decimal("0.01")


class CustomerTier(StrEnum):
    """Seed 004's `CustomerTier` values."""

    BRONZE = "BRONZE"
    SILVER = "SILVER"
    GOLD = "GOLD"
    PLATINUM = "PLATINUM"


DEFAULT_TIER = CustomerTier.BRONZE
DEFAULT_TIER_DISCOUNTS = {
    CustomerTier.BRONZE: Decimal("0"),
    CustomerTier.SILVER: Decimal("5"),
    CustomerTier.GOLD: Decimal("10"),
    CustomerTier.PLATINUM: Decimal("15"),
}


def check_percentage(value: Decimal | None, field: str) -> InvalidInput | None:
    """A discount in percent: 0 to 100, at most two decimal places."""
    if value is None:
        return InvalidInput("Enter the discount in percent (0 to 100).", field=field)
    if (
        not value.is_finite()
        or not 0 <= value <= HUNDRED
        or value != value.quantize(PERCENT_PLACES)
    ):
        return InvalidInput(
            f"A discount is a percentage from 0 to 100 with at most two decimal places; "
            f"got {value}.",
            field=field,
        )
    return None


@dataclass(frozen=True, kw_only=True)
class TierDiscount:
    """The discount customers of `tier` get; `version` None: the tenant set none, and this
    is the default (setting it is a creation, with no version)."""

    tier: CustomerTier
    discount_percent: Decimal
    version: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def __post_init__(self) -> None:
        problem = check_percentage(self.discount_percent, "discountPercent")
        if problem:
            raise problem
        object.__setattr__(self, "tier", CustomerTier(self.tier))

    @property
    def is_default(self) -> bool:
        return self.version is None


def with_defaults(stored: list[TierDiscount]) -> list[TierDiscount]:
    """Every tier's discount, in tier order: the tenant's own, else the default."""
    own = {discount.tier: discount for discount in stored}
    return [
        own.get(tier) or TierDiscount(tier=tier, discount_percent=DEFAULT_TIER_DISCOUNTS[tier])
        for tier in CustomerTier
    ]


def tier_discount_conflict(tier: CustomerTier, version: int | None) -> VersionConflict:
    """A tier discount is set with the version the administrator read: none to create it."""
    if version is None:
        return VersionConflict(
            f"The {tier} discount was set already; read it and send its version to replace it.",
            field="version",
        )
    return VersionConflict(
        f"The {tier} discount is not at version {version} (someone changed it meanwhile, or "
        "it was never set: then send no version); reload it and apply your change again.",
        field="version",
    )
