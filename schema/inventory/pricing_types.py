"""Customers' view of inventory as clients see it: tiers, tier discounts, a customer's
prices and the credit impact of an order (seed 004's names)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from domain.identity import Permission
from domain.inventory import credit, pricing, tiers
from domain.receivables import credit_control
from schema.context import Info
from schema.permissions import requires
from schema.references import CustomerType, PartType, customer_of, part_of


@strawberry.type
class PricedPart:
    """A price's part, as its id and as the catalog part."""

    product_id: strawberry.ID

    @strawberry.field(
        description="The catalog part.", permission_classes=[requires(Permission.CATALOG_READ)]
    )
    async def part(self, info: Info) -> PartType | None:
        return await part_of(info, str(self.product_id))


@strawberry.type
class PricedCustomer:
    """A price's customer, as its id and as the customer."""

    customer_id: strawberry.ID

    @strawberry.field(
        description="The customer.", permission_classes=[requires(Permission.CUSTOMER_READ)]
    )
    async def customer(self, info: Info) -> CustomerType | None:
        return await customer_of(info, str(self.customer_id))


CustomerTier = strawberry.enum(
    tiers.CustomerTier,
    description="Seed 004's customer tiers; each gets its tenant's discount off list prices.",
)
PriceSource = strawberry.enum(
    pricing.PriceSource,
    description="Where a customer's price came from: their SPECIFIC_PRICE, their "
    "SPECIFIC_DISCOUNT off the list price, or their TIER's discount off it.",
)


@strawberry.type(description="The discount customers of one tier get off the list price.")
class TierDiscount:
    tier: CustomerTier
    discount_percent: Decimal = strawberry.field(description="0 to 100; 12.5 is 12.5%.")
    is_default: bool = strawberry.field(
        description="The tenant set none: this is the default (0/5/10/15 for BRONZE to PLATINUM)."
    )
    version: int | None = strawberry.field(
        description="Send back with setTierDiscount; null for a default (send none to set it)."
    )
    updated_at: datetime | None

    @classmethod
    def from_domain(cls, d: tiers.TierDiscount) -> TierDiscount:
        return cls(
            tier=d.tier,
            discount_percent=d.discount_percent,
            is_default=d.is_default,
            version=d.version,
            updated_at=d.updated_at,
        )


@strawberry.type(description="What one part costs one customer, and why.")
class CustomerPartPrice(PricedPart):
    sku: str
    list_price: Decimal = strawberry.field(description="The catalog part's unit price.")
    customer_price: Decimal = strawberry.field(description="Rounded half-up to the cent.")
    discount_percentage: Decimal = strawberry.field(
        description="The discount off the list price; for a SPECIFIC_PRICE, the one it "
        "amounts to (negative if it is above the list price)."
    )
    source: PriceSource

    @classmethod
    def from_domain(cls, p: pricing.EffectivePrice) -> CustomerPartPrice:
        return cls(
            product_id=strawberry.ID(p.product_id),
            sku=p.sku,
            list_price=p.list_price,
            customer_price=p.customer_price,
            discount_percentage=p.discount_percentage,
            source=p.source,
        )


@strawberry.type(description="A customer's specific prices, one version for the whole list.")
class CustomerPriceList(PricedCustomer):
    version: int = strawberry.field(
        description="Send back with updateCustomerPricing; 0 if the customer never had one."
    )
    items: list[CustomerPartPrice] = strawberry.field(
        description="Every part with a specific price or discount, in SKU order; other "
        "parts cost the tier price (customerPrice)."
    )
    updated_at: datetime | None

    @classmethod
    def from_domain(cls, p: pricing.CustomerPriceList) -> CustomerPriceList:
        return cls(
            customer_id=strawberry.ID(p.id),
            version=p.version,
            items=[CustomerPartPrice.from_domain(price) for price in p.effective_prices()],
            updated_at=p.updated_at,
        )


@strawberry.type(
    description="What an order would do to a customer's credit (seed 004's CreditImpact): "
    "of a part (sku, productId, quantity and unitPrice set) or of an amount (they are null)."
)
class CreditImpact(PricedCustomer):
    product_id: strawberry.ID | None
    sku: str | None
    quantity: Decimal | None
    unit_price: Decimal | None = strawberry.field(description="The customer's price of the part.")
    total_value: Decimal = strawberry.field(
        description="quantity x unitPrice, to the cent; or the amount asked about."
    )
    credit_limit: Decimal | None = strawberry.field(description="null: no limit.")
    current_credit_used: Decimal = strawberry.field(
        description="The customer's exposure: what they owe on account and have on service "
        "orders not yet billed, plus (asked by amount) sales orders not yet fulfilled."
    )
    available_credit: Decimal | None = strawberry.field(description="null: no limit.")
    credit_impact: Decimal
    blocked_reason: str | None = strawberry.field(
        description="Why the customer is blocked (then no order proceeds); null if not."
    )
    can_process_order: bool

    @strawberry.field(
        description="The catalog part (null when asked by amount).",
        permission_classes=[requires(Permission.CATALOG_READ)],
    )
    async def part(self, info: Info) -> PartType | None:
        return None if self.product_id is None else await part_of(info, str(self.product_id))

    @classmethod
    def from_domain(cls, c: credit.CreditImpact) -> CreditImpact:
        return cls(
            customer_id=strawberry.ID(c.customer_id),
            product_id=strawberry.ID(c.price.product_id),
            sku=c.price.sku,
            quantity=c.quantity,
            unit_price=c.price.customer_price,
            total_value=c.total_value,
            credit_limit=c.credit_limit,
            current_credit_used=c.current_credit_used,
            available_credit=c.available_credit,
            credit_impact=c.credit_impact,
            blocked_reason=c.blocked_reason,
            can_process_order=c.can_process_order,
        )

    @classmethod
    def of_amount(cls, c: credit_control.OrderCreditImpact) -> CreditImpact:
        return cls(
            customer_id=strawberry.ID(c.customer_id),
            product_id=None,
            sku=None,
            quantity=None,
            unit_price=None,
            total_value=c.amount,
            credit_limit=c.credit_limit,
            current_credit_used=c.exposure.total,
            available_credit=c.available_credit,
            credit_impact=c.amount,
            blocked_reason=c.blocked_reason,
            can_process_order=c.can_process_order,
        )
