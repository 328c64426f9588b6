"""Setting customers' tiers, the tenant's tier discounts and customers' specific prices
(all need CUSTOMER_PRICING_WRITE)."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from domain.identity import Permission
from resolvers.inventory import pricing
from schema.context import Info
from schema.customers.types import Customer
from schema.inventory.pricing_types import CustomerPriceList, CustomerTier, TierDiscount
from schema.permissions import requires


@strawberry.input
class SetCustomerTierInput:
    customer_id: strawberry.ID
    tier: CustomerTier
    version: int = strawberry.field(
        description="The customer's version you read; a stale one is VERSION_CONFLICT."
    )


@strawberry.input(description="A tier's discount: set it, or replace the one you read.")
class SetTierDiscountInput:
    tier: CustomerTier
    discount_percent: Decimal = strawberry.field(description="0 to 100, two decimals at most.")
    version: int | None = strawberry.field(
        default=None,
        description="The version you read; leave it empty while the tier has the default. "
        "A stale version, or none when the tenant set one, is VERSION_CONFLICT.",
    )


@strawberry.input(
    description="Seed 004's CustomerPricingUpdate: a part (by productId or sku) and either "
    "a customer price or a discount percentage; neither removes the part's specific price."
)
class CustomerPricingUpdate:
    product_id: strawberry.ID | None = None
    sku: str | None = None
    customer_price: Decimal | None = None
    discount_percentage: Decimal | None = None


@strawberry.input
class UpdateCustomerPricingInput:
    customer_id: strawberry.ID
    version: int = strawberry.field(
        description="The price list's version you read (Customer.prices.version; 0 if it "
        "has none); a stale one is VERSION_CONFLICT."
    )
    prices: list[CustomerPricingUpdate] = strawberry.field(
        description="The parts to change; the others keep their prices. All or none apply."
    )


@strawberry.type
class CustomerPricingMutations:
    @strawberry.mutation(permission_classes=[requires(Permission.CUSTOMER_PRICING_WRITE)])
    async def set_customer_tier(self, info: Info, input: SetCustomerTierInput) -> Customer:
        changed = await pricing.set_customer_tier(
            info.context.uow, info.context.clock, input.customer_id, input.tier, input.version
        )
        return Customer.from_domain(changed)

    @strawberry.mutation(permission_classes=[requires(Permission.CUSTOMER_PRICING_WRITE)])
    async def set_tier_discount(self, info: Info, input: SetTierDiscountInput) -> TierDiscount:
        saved = await pricing.set_tier_discount(
            info.context.uow, input.tier, input.discount_percent, input.version
        )
        return TierDiscount.from_domain(saved)

    @strawberry.mutation(permission_classes=[requires(Permission.CUSTOMER_PRICING_WRITE)])
    async def update_customer_pricing(
        self, info: Info, input: UpdateCustomerPricingInput
    ) -> CustomerPriceList:
        lines = [
            pricing.RequestedPrice(
                product_id=line.product_id,
                sku=line.sku,
                customer_price=line.customer_price,
                discount_percentage=line.discount_percentage,
            )
            for line in input.prices
        ]
        updated = await pricing.update_customer_pricing(
            info.context.uow, info.context.clock, input.customer_id, input.version, lines
        )
        return CustomerPriceList.from_domain(updated)
