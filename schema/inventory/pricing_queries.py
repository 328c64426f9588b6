"""A customer's price of a part, the tenant's tier discounts and the credit impact of an
order."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from domain.errors import InvalidInput
from domain.identity import Permission
from resolvers.inventory import pricing
from resolvers.receivables import credit_control
from schema.context import Info
from schema.inventory.pricing_types import CreditImpact, CustomerPartPrice, TierDiscount
from schema.permissions import requires


@strawberry.type
class CustomerPricingQueries:
    @strawberry.field(
        description="Every tier's discount: the tenant's own, else the default.",
        permission_classes=[requires(Permission.CUSTOMER_READ)],
    )
    async def tier_discounts(self, info: Info) -> list[TierDiscount]:
        return [TierDiscount.from_domain(d) for d in await pricing.tier_discounts(info.context.uow)]

    @strawberry.field(
        description="What a part costs a customer: their specific price, else their "
        "specific discount, else their tier's discount off the list price.",
        permission_classes=[requires(Permission.CUSTOMER_READ)],
    )
    async def customer_price(
        self, info: Info, customer_id: strawberry.ID, product_id: strawberry.ID
    ) -> CustomerPartPrice:
        found = await pricing.customer_price(info.context.uow, customer_id, product_id)
        return CustomerPartPrice.from_domain(found)

    @strawberry.field(
        description="Seed 004's credit impact: of an order of `amount`, against the "
        "customer's exposure and block; or of ordering `quantity` of a part (by sku or "
        "productId) at the customer's price.",
        permission_classes=[requires(Permission.CUSTOMER_READ)],
    )
    async def credit_impact(
        self,
        info: Info,
        customer_id: strawberry.ID,
        amount: Decimal | None = None,
        quantity: Decimal | None = None,
        sku: str | None = None,
        product_id: strawberry.ID | None = None,
    ) -> CreditImpact:
        if amount is not None:
            impact = await credit_control.credit_impact(info.context.uow, customer_id, amount)
            return CreditImpact.of_amount(impact)
        if quantity is None:
            raise InvalidInput(
                "Give the order's amount, or a part and its quantity.", field="amount"
            )
        found = await pricing.customer_credit_impact(
            info.context.uow, customer_id, product_id, sku, quantity
        )
        return CreditImpact.from_domain(found)
