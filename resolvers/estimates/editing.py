"""Estimate use cases: open a draft, price its lines and discount, read it and its revisions.

Every change takes the version the client saw (`changing`, resolvers/changes.py): a
stale one is VERSION_CONFLICT before anything is computed, and the save at commit
catches a change that slipped in between. Lines are priced from the catalog and taxed
at the location's tax codes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from decimal import Decimal

from domain.catalog import PartNotFound, ServiceNotFound
from domain.clock import Clock
from domain.errors import InvalidInput
from domain.estimates import Discount, Estimate, EstimateNotFound
from domain.identity import Principal
from domain.tax import TaxCode
from resolvers.changes import changing, existing
from resolvers.identifiers import id_for_new
from resolvers.parties import parties_of_new_work
from resolvers.ports import UnitOfWork, UnitOfWorkFactory

ITEM_PREFIX = "ITEM-"


async def estimate(uow: UnitOfWorkFactory, estimate_id: str) -> Estimate:
    async with uow() as work:
        return await existing(work.estimates, estimate_id)


async def estimates_by_id(uow: UnitOfWorkFactory, ids: Sequence[str]) -> list[Estimate | None]:
    """Batch for the estimate link of service orders: one statement per request."""
    async with uow() as work:
        found = await work.estimates.get_many(ids)
    return [found.get(i) for i in ids]


async def estimate_revisions(uow: UnitOfWorkFactory, number: str) -> list[Estimate]:
    """Every revision of an estimate number, the first first; ESTIMATE_NOT_FOUND if none."""
    async with uow() as work:
        found = await work.estimates.revisions(number)
    if not found:
        raise EstimateNotFound(number)
    return found


async def create_estimate(
    uow: UnitOfWorkFactory,
    clock: Clock,
    by: Principal,
    customer_id: str,
    vehicle_id: str,
    location_id: str,
    estimate_id: str | None = None,
) -> Estimate:
    """A DRAFT for a customer's vehicle at a location, numbered EST-nnn per tenant."""
    async with uow() as work:
        customer, vehicle, where = await parties_of_new_work(
            work, customer_id, vehicle_id, location_id
        )
        number = await id_for_new(
            work, estimate_id, "EST", work.estimates.exists, "Estimate", "estimateId"
        )
        draft = Estimate.create(
            estimate_id=number,
            number=number,
            customer_id=customer.id,
            vehicle_id=vehicle.id,
            location_id=where.id,
            by=by,
            now=clock.now(),
            currency_uom_id=where.currency_uom_id,
        )
        await work.estimates.add(draft)
        await work.commit()
        return draft


async def add_part(
    uow: UnitOfWorkFactory,
    by: Principal,
    estimate_id: str,
    version: int,
    quantity: Decimal,
    product_id: str | None = None,
    unit_price: Decimal | None = None,
    description: str | None = None,
    tax_code: str | None = None,
) -> Estimate:
    """A catalog part at its price (another price needs override_price); without a
    `product_id`, a part the catalog does not list (needs add_non_catalog_part)."""

    async def change(work: UnitOfWork, draft: Estimate, codes: dict[str, TaxCode]) -> None:
        item_id = next_item_id(draft)
        if product_id is None:
            draft.add_non_catalog_part(
                item_id, description or "", _price(unit_price), quantity, tax_code, codes, by
            )
            return
        part = await work.parts.get(product_id)
        if part is None:
            raise PartNotFound(
                f"Part '{product_id}' is not in the catalog; pick a catalog part, or leave "
                "productId empty and give a description and unitPrice for a non-catalog part.",
                field="productId",
            )
        draft.add_part(item_id, part, quantity, codes, by, unit_price)

    return await _edit(uow, estimate_id, version, change)


async def add_service(
    uow: UnitOfWorkFactory,
    estimate_id: str,
    version: int,
    service_id: str,
    quantity: Decimal = Decimal(1),
) -> Estimate:
    async def change(work: UnitOfWork, draft: Estimate, codes: dict[str, TaxCode]) -> None:
        service = await work.services.get(service_id)
        if service is None:
            raise ServiceNotFound(f"Service '{service_id}' was not found.", field="serviceId")
        draft.add_service(next_item_id(draft), service, codes, quantity)

    return await _edit(uow, estimate_id, version, change)


async def update_item_quantity(
    uow: UnitOfWorkFactory, estimate_id: str, version: int, item_id: str, quantity: Decimal
) -> Estimate:
    async def change(work: UnitOfWork, draft: Estimate, codes: dict[str, TaxCode]) -> None:
        draft.update_quantity(item_id, quantity, codes)

    return await _edit(uow, estimate_id, version, change)


async def remove_item(
    uow: UnitOfWorkFactory, estimate_id: str, version: int, item_id: str
) -> Estimate:
    async def change(work: UnitOfWork, draft: Estimate, codes: dict[str, TaxCode]) -> None:
        draft.remove_item(item_id, codes)

    return await _edit(uow, estimate_id, version, change)


async def set_discount(
    uow: UnitOfWorkFactory,
    estimate_id: str,
    version: int,
    percent: Decimal | None,
    amount: Decimal | None,
) -> Estimate:
    """A percent (0-100) or an amount off, before tax; neither removes the discount."""

    async def change(work: UnitOfWork, draft: Estimate, codes: dict[str, TaxCode]) -> None:
        draft.set_discount(Discount(percent=percent, amount=amount), codes)

    return await _edit(uow, estimate_id, version, change)


Change = Callable[[UnitOfWork, Estimate, dict[str, TaxCode]], Awaitable[None]]


async def _edit(uow: UnitOfWorkFactory, estimate_id: str, version: int, change: Change) -> Estimate:
    """Apply `change` to the draft at `version` with its location's tax codes, and commit."""
    async with uow() as work:
        async with changing(work.estimates, estimate_id, version) as draft:
            codes = await work.tax_codes.for_location(draft.location_id)
            await change(work, draft, {code.code: code for code in codes})
        await work.commit()
        return draft


def next_item_id(estimate: Estimate) -> str:
    """ITEM-001, ITEM-002, ...: one more than the highest line number the estimate used."""
    used = [
        int(item.item_id.removeprefix(ITEM_PREFIX))
        for item in estimate.items
        if item.item_id.startswith(ITEM_PREFIX) and item.item_id[len(ITEM_PREFIX) :].isdigit()
    ]
    return f"{ITEM_PREFIX}{max(used, default=0) + 1:03d}"


def _price(unit_price: Decimal | None) -> Decimal:
    if unit_price is None:
        raise InvalidInput("A part not in the catalog needs its unitPrice.", field="unitPrice")
    return unit_price
