"""Customers' view of inventory: tiers, tier discounts, specific prices, the effective
price of a part for a customer, and what an order of it does to their credit.

A tier and a price list are edits of what the client read (`version` required); a tier
discount is configuration set whole under its tier, created without a version and
replaced at the version read, as tax codes are (docs/decisions.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from domain.catalog import Part, PartNotFound, normalize_sku
from domain.clock import Clock
from domain.customers import Customer
from domain.errors import DomainError, InvalidInput, InvalidInputs
from domain.inventory.credit import CreditImpact, credit_impact
from domain.inventory.movements import check_quantity
from domain.inventory.pricing import CustomerPriceList, EffectivePrice, PriceUpdate
from domain.inventory.tiers import CustomerTier, TierDiscount, with_defaults
from resolvers.changes import changing, existing
from resolvers.ports import UnitOfWork, UnitOfWorkFactory
from resolvers.receivables.credit_control import exposure


@dataclass(frozen=True, slots=True)
class RequestedPrice:
    """A line of `updateCustomerPricing` as the client sent it: the part by `product_id`
    or `sku` (both, if they agree); neither amount removes the part's specific price."""

    product_id: str | None = None
    sku: str | None = None
    customer_price: Decimal | None = None
    discount_percentage: Decimal | None = None


async def set_customer_tier(
    uow: UnitOfWorkFactory, clock: Clock, customer_id: str, tier: CustomerTier, version: int
) -> Customer:
    async with uow() as work:
        async with changing(work.customers, customer_id, version) as customer:
            customer.set_tier(work.tenant_id, clock.now(), tier)
        await work.commit()
        return customer


async def tier_discounts(uow: UnitOfWorkFactory) -> list[TierDiscount]:
    """Every tier's discount: the tenant's own, else the default."""
    async with uow() as work:
        return with_defaults(await work.tier_discounts.stored())


async def set_tier_discount(
    uow: UnitOfWorkFactory, tier: CustomerTier, discount_percent: Decimal, version: int | None
) -> TierDiscount:
    async with uow() as work:
        saved = await work.tier_discounts.put(
            TierDiscount(tier=tier, discount_percent=discount_percent), version
        )
        await work.commit()
        return saved


async def customer_pricing(uow: UnitOfWorkFactory, customer_id: str) -> CustomerPriceList:
    async with uow() as work:
        return await existing(work.customer_prices, customer_id)


async def price_lists_by_customer(
    uow: UnitOfWorkFactory, customer_ids: Sequence[str]
) -> list[CustomerPriceList]:
    """Batch for `Customer.prices`: one round of statements for a page of customers."""
    async with uow() as work:
        found = await work.customer_prices.of_customers(customer_ids)
    return [found.get(i) or CustomerPriceList(i) for i in customer_ids]


async def update_customer_pricing(
    uow: UnitOfWorkFactory,
    clock: Clock,
    customer_id: str,
    version: int,
    prices: Sequence[RequestedPrice],
) -> CustomerPriceList:
    """Every line applies, or none does."""
    async with uow() as work:
        async with changing(work.customer_prices, customer_id, version) as price_list:
            updates = await _updates(work, prices)
            price_list.update(work.tenant_id, clock.now(), updates)
        await work.commit()
        return price_list


async def customer_price(
    uow: UnitOfWorkFactory, customer_id: str, product_id: str
) -> EffectivePrice:
    async with uow() as work:
        customer = await existing(work.customers, customer_id)
        return await _price_for(work, customer, await named_part(work, product_id, None, ""))


async def customer_credit_impact(
    uow: UnitOfWorkFactory,
    customer_id: str,
    product_id: str | None,
    sku: str | None,
    quantity: Decimal,
) -> CreditImpact:
    """`quantity` of a part at the customer's price against their open credit."""
    problem = check_quantity(quantity)
    if problem:
        raise problem
    async with uow() as work:
        customer = await existing(work.customers, customer_id)
        price = await _price_for(work, customer, await named_part(work, product_id, sku, ""))
        used = (await exposure(work, customer_id)).total
        standing = await existing(work.credit_standings, customer_id)
    return credit_impact(
        customer_id, price, quantity, customer.credit_limit, used, standing.block_reason
    )


async def tier_discount_of(work: UnitOfWork, tier: CustomerTier) -> Decimal:
    """The discount customers of `tier` get: the tenant's own, else the default."""
    return next(
        d.discount_percent
        for d in with_defaults(await work.tier_discounts.stored())
        if d.tier == tier
    )


async def _price_for(work: UnitOfWork, customer: Customer, part: Part) -> EffectivePrice:
    return (await prices_for(work, customer, [part]))[0]


async def prices_for(
    work: UnitOfWork, customer: Customer, parts: Sequence[Part]
) -> list[EffectivePrice]:
    """The customer's effective price of each part, reading their list and the tier
    discounts once (a sales order prices all its lines with one read)."""
    price_list = await existing(work.customer_prices, customer.id)
    discount = await tier_discount_of(work, customer.tier)
    return [price_list.price_of(p.id, p.sku, p.unit_price, discount) for p in parts]


async def named_part(work: UnitOfWork, product_id: str | None, sku: str | None, where: str) -> Part:
    """The part named by its id or SKU (both, if they agree), or PART_NOT_FOUND naming
    the field at fault (`where` is its path: `prices[2].`, or empty)."""
    (found,) = await named_parts(work, [(product_id, sku, where)])
    if isinstance(found, DomainError):
        raise found
    return found


async def named_parts(
    work: UnitOfWork, named: Sequence[tuple[str | None, str | None, str]]
) -> list[Part | DomainError]:
    """Each (product id, SKU, field path)'s part as `named_part` finds it, or the error
    it gives, in two statements however many (a 10-line order reads its parts at once)."""
    skus = sorted(
        {normalize_sku(sku) for product_id, sku, _ in named if product_id is None and sku}
    )
    holders = await work.parts.holders_of_skus(skus) if skus else {}
    wanted = {product_id for product_id, _, _ in named if product_id is not None}
    ids = sorted(wanted | set(holders.values()))
    found = await work.parts.get_many(ids) if ids else {}
    answers: list[Part | DomainError] = []
    for product_id, sku, where in named:
        try:
            answers.append(part_named(product_id, sku, where, holders, found))
        except DomainError as problem:
            answers.append(problem)
    return answers


def part_named(
    product_id: str | None,
    sku: str | None,
    where: str,
    holders: Mapping[str, str],
    found: Mapping[str, Part | None],
) -> Part:
    """The part named by its id or SKU among those read: `holders` the parts' ids by
    normalized SKU, `found` the parts by id."""
    if product_id is None and sku is None:
        raise InvalidInput("Name the part by its productId or its sku.", field=f"{where}productId")
    if product_id is None:
        assert sku is not None
        held = holders.get(normalize_sku(sku))
        if held is None:
            raise PartNotFound(f"No part has SKU '{sku}'.", field=f"{where}sku")
        product_id = held
    part = found.get(product_id)
    if part is None:
        raise PartNotFound(f"Part '{product_id}' was not found.", field=f"{where}productId")
    if sku is not None and part.sku != normalize_sku(sku):
        raise InvalidInput(
            f"Part '{product_id}' has SKU {part.sku}, not {sku}: name the part once, or "
            "by an id and SKU that agree.",
            field=f"{where}sku",
        )
    return part


async def _updates(work: UnitOfWork, prices: Sequence[RequestedPrice]) -> list[PriceUpdate]:
    """Each line with its part; every line's unknown part is reported at once."""
    updates: list[PriceUpdate] = []
    problems: list[DomainError] = []
    for index, line in enumerate(prices):
        try:
            part = await named_part(work, line.product_id, line.sku, f"prices[{index}].")
        except DomainError as problem:
            problems.append(problem)
            continue
        updates.append(
            PriceUpdate(
                index,
                part.id,
                part.sku,
                part.unit_price,
                line.customer_price,
                line.discount_percentage,
            )
        )
    if problems:
        raise InvalidInputs(problems)
    return updates
