"""Opportunities on the in-memory unit of work: seed 004's allocation rules (codes),
allocation all or nothing, release, CLOSED_LOST giving the stock back by itself,
CLOSED_WON becoming a sales order with the same reservations, and the pipeline report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from domain.clock import ManualClock
from domain.errors import DomainError
from domain.inventory.reservations import ReferenceType, ReservationStatus
from domain.sales.opportunities import OpportunityStage
from domain.sales.status import OrderStatus
from resolvers.sales import fulfillment, opportunities, queries
from tests.use_cases.fakes import FakeUnitOfWork
from tests.use_cases.outcomes import refusal
from tests.use_cases.test_sales_orders import (  # noqa: F401 (shop_fixture: the fixture `shop`)
    ADDRESS,
    CLERK,
    figures,
    line,
    shop_fixture,
)

Units = Callable[[], FakeUnitOfWork]
D = Decimal
S = OpportunityStage
CLOSE = date(2026, 3, 20)


async def opportunity(uow: Units, clock: ManualClock, customer: str, probability: str = "0.6"):
    return await opportunities.create_opportunity(
        uow,
        clock,
        customer,
        "rep-7",
        S.PROPOSAL,
        D(probability),
        CLOSE,
        [line("OIL", "4"), line("PAD", "1")],
    )


async def test_allocation_follows_seed_004s_rules_and_holds_every_item_or_none(
    uow: Units, clock: ManualClock, shop: str
) -> None:
    low = await opportunity(uow, clock, shop, "0.2")
    with pytest.raises(DomainError) as refused:
        await opportunities.allocate_inventory_for_opportunity(uow, clock, CLERK, low.id, 1)
    assert refusal(refused) == [("LOW_PROBABILITY_OPPORTUNITY", "probability")]
    lost, _ = await opportunities.update_opportunity_stage(
        uow, clock, CLERK, low.id, 1, S.CLOSED_LOST, None, None
    )
    with pytest.raises(DomainError) as refused:
        await opportunities.allocate_inventory_for_opportunity(uow, clock, CLERK, lost.id, 2)
    assert refusal(refused) == [("OPPORTUNITY_LOST", "stage")]
    assert refused.value.message == "Cannot allocate inventory for lost opportunities"

    big = await opportunities.create_opportunity(
        uow, clock, shop, "rep-7", S.LEAD, D("0.9"), CLOSE, [line("OIL", "4"), line("PAD", "3")]
    )
    with pytest.raises(DomainError) as refused:
        await opportunities.allocate_inventory_for_opportunity(uow, clock, CLERK, big.id, 1)
    assert refusal(refused) == [("INSUFFICIENT_STOCK", "quantity")]
    assert await figures(uow, "OIL") == (10, 0)

    held = await opportunities.allocate_inventory_for_opportunity(
        uow, clock, CLERK, (await opportunity(uow, clock, shop)).id, 1
    )
    assert [i.reservation_id for i in held.items] == ["OPP-003-I1-V2", "OPP-003-I2-V2"]
    assert await figures(uow, "OIL") == (10, 4)
    [reservation] = await queries.reservations_by_id(uow, ["OPP-003-I1-V2"])
    assert reservation is not None
    assert (reservation.reference_type, reservation.reference_id) == (
        ReferenceType.OPPORTUNITY,
        "OPP-003/1",
    )
    assert reservation.expires_at.isoformat() == "2026-03-21T00:00:00+00:00"

    released = await opportunities.release_inventory_for_opportunity(uow, clock, CLERK, held.id, 2)
    assert not released.allocated
    assert await figures(uow, "OIL") == (10, 0)


async def test_a_lost_opportunity_gives_its_stock_back_by_itself(
    uow: Units, clock: ManualClock, shop: str
) -> None:
    created = await opportunity(uow, clock, shop)
    await opportunities.allocate_inventory_for_opportunity(uow, clock, CLERK, created.id, 1)

    lost, order = await opportunities.update_opportunity_stage(
        uow, clock, CLERK, created.id, 2, S.CLOSED_LOST, None, None
    )

    assert (lost.stage, lost.probability, order) == (S.CLOSED_LOST, 0, None)
    assert await figures(uow, "OIL") == (10, 0)
    assert await figures(uow, "PAD") == (2, 0)
    with pytest.raises(DomainError) as refused:
        await opportunities.update_opportunity_stage(
            uow, clock, CLERK, created.id, 3, S.NEGOTIATION, None, None
        )
    assert refusal(refused) == [("INVALID_TRANSITION", "stage")]


async def test_a_won_opportunity_becomes_an_order_holding_its_reservations(
    uow: Units, clock: ManualClock, shop: str
) -> None:
    created = await opportunity(uow, clock, shop)
    held = await opportunities.allocate_inventory_for_opportunity(uow, clock, CLERK, created.id, 1)
    with pytest.raises(DomainError) as refused:
        await opportunities.update_opportunity_stage(
            uow, clock, CLERK, held.id, 2, S.CLOSED_WON, None, None
        )
    assert refusal(refused) == [("BAD_USER_INPUT", "shippingAddress")]

    won, order = await opportunities.update_opportunity_stage(
        uow, clock, CLERK, held.id, 2, S.CLOSED_WON, None, ADDRESS
    )

    assert order is not None and (won.stage, won.order_id) == (S.CLOSED_WON, order.id)
    assert order.status is OrderStatus.INVENTORY_ALLOCATED
    assert [li.reservation_id for li in order.lines] == ["OPP-001-I1-V2", "OPP-001-I2-V2"]
    assert order.total_amount == D("129.95")
    assert await figures(uow, "OIL") == (10, 4)  # the same hold, not a second one
    await fulfillment.start_order_fulfillment(uow, clock, "picker", order.id, 1)
    assert await figures(uow, "OIL") == (6, 0)
    [reservation] = await queries.reservations_by_id(uow, ["OPP-001-I1-V2"])
    assert reservation is not None and reservation.status is ReservationStatus.CONSUMED


async def test_the_pipeline_report_counts_open_opportunities_and_what_they_hold(
    uow: Units, clock: ManualClock, shop: str
) -> None:
    first = await opportunity(uow, clock, shop)
    await opportunity(uow, clock, shop, "0.1")
    await opportunities.allocate_inventory_for_opportunity(uow, clock, CLERK, first.id, 1)

    report = await opportunities.opportunity_inventory_report(uow)

    assert (report.total_opportunities, report.total_allocated_value) == (2, D("129.95"))
    assert {s.value: (t.count, t.allocated_value) for s, t in report.by_stage.items()} == {
        "LEAD": (0, 0),
        "QUALIFIED": (0, 0),
        "PROPOSAL": (2, D("129.95")),
        "NEGOTIATION": (0, 0),
    }
    assert [(a.sku, a.quantity, a.value) for a in report.allocation_by_sku] == [
        ("OIL", 4, D("39.96")),
        ("PAD", 1, D("89.99")),
    ]
