"""Service-order use cases on the in-memory unit of work: an order's life from request (or
approved estimate) to bill, the work and parts recorded on it, what Dispatch, Inventory
and Contracts report, the SLA it is held to; every move allowed and refused with its
code, nothing stored on refusal, and the exact facts each change records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from domain.clock import ManualClock
from domain.errors import DomainError
from domain.estimates import Estimate, EstimateItem, EstimateStatus
from domain.estimates.totals import Discount, calculate_totals
from domain.events import DomainEvent
from domain.finance.periods import FinancialPeriod
from domain.identity import Principal
from domain.inventory.events import StockMoved
from domain.paging import PageRequest
from domain.receivables.invoice import InvoiceStatus
from domain.receivables.journal import Side
from domain.service_orders.acknowledgements import (
    AcknowledgementFact,
    Acknowledger,
    RevenueRecorded,
    SalesOrderCreatedForWorkOrder,
    WorkSessionCompleted,
)
from domain.service_orders.appointments import Appointment
from domain.service_orders.billing import GlEntry
from domain.service_orders.events import (
    PartsUsageRecorded,
    RecordedPart,
    ServiceOrderBilled,
    ServiceOrderCompleted,
    ServiceOrderCreated,
    ServiceOrderEvent,
    ServiceOrderReadyForBilling,
    ServiceOrderScheduled,
    ServiceOrderStatusChanged,
    SnapshotFinalized,
    WorkOrderEvent,
    WorkSessionRecorded,
)
from domain.service_orders.inbound import (
    AppointmentUpdated,
    ConsumedPart,
    ContractEntitlementValidated,
    PartsConsumed,
    TechnicianAssigned,
)
from domain.service_orders.items import OrderItem
from domain.service_orders.order import ServiceOrder
from domain.service_orders.search import OrderFilter
from domain.service_orders.sla import SlaDeadlines, standing
from domain.service_orders.status import Priority
from domain.service_orders.status import ServiceOrderStatus as S
from domain.tax import ItemType
from resolvers.catalog.use_cases import create_part
from resolvers.customers import use_cases as customers
from resolvers.inventory import ledger
from resolvers.locations.use_cases import create_location
from resolvers.pricing.use_cases import put_tax_code
from resolvers.service_orders import (
    acknowledgements,
    billing,
    from_estimates,
    inbound,
    lifecycle,
    work_sessions,
)
from resolvers.sla import policies
from tests.use_cases.conftest import TENANT
from tests.use_cases.fakes import Database, FakeUnitOfWork
from tests.use_cases.fakes.estimates import stored_row
from tests.use_cases.outcomes import refusal, with_ids_of

ADVISOR = Principal("advisor-2", TENANT, frozenset({"*"}))
"""Who moves orders in these tests: `statusChangedBy` names them."""

Units = Callable[[], FakeUnitOfWork]
LOCATION = "LOC-001"
VIN = "1HGBH41JXMN109186"
START = datetime(2026, 1, 25, 8, 0, tzinfo=UTC)
END = datetime(2026, 1, 25, 12, 30, tzinfo=UTC)
PADS = {
    "workorder_part_id": None,
    "product_id": "PROD-BRAKE-PAD",
    "sku": "BRK-PAD-F",
    "quantity": Decimal("2"),
    "unit_price": Decimal("89.99"),
    "tax_code": "TAXABLE_GOODS",
}


@dataclass(frozen=True)
class Shop:
    customer: str
    vehicle: str


def order_events(database: Database) -> list[DomainEvent]:
    """What the outbox holds of service orders (the shop's set-up records its own)."""
    return [e for e in database.outbox if isinstance(e, ServiceOrderEvent | WorkOrderEvent)]


def about(order_id: str, at: datetime) -> dict[str, Any]:
    return {"aggregate_id": order_id, "tenant_id": TENANT, "occurred_at": at}


@pytest.fixture
async def shop(uow: Units, clock: ManualClock) -> Shop:
    """A customer with a vehicle, a location with tax codes, a technician and a clerk."""
    owner = await customers.create_customer(uow, clock, {"name": "Fleet Co"})
    vehicle = await customers.create_vehicle(uow, clock, {"customer_id": owner.id, "vin": VIN})
    await create_location(uow, {"id": LOCATION, "name": "North"})
    for code, kind in (("TAXABLE_GOODS", ItemType.PART), ("LABOR_TAX", ItemType.LABOR)):
        await put_tax_code(
            uow,
            {
                "location_id": LOCATION,
                "code": code,
                "description": "8%",
                "rate": Decimal("0.08"),
                "applicable_item_types": (kind,),
            },
            None,
        )
    for person, role in (("TECH-001", "TECHNICIAN"), ("CLERK-1", "CLERK")):
        await work_sessions.save_person(
            uow, {"person_id": person, "name": "Pat", "roles": [role], "location_ids": [LOCATION]}
        )
    # seed 001's pads are the catalog's part of SKU BRK-PAD-F (Inventory names it
    # PROD-BRAKE-PAD), with stock at the location for the orders that use them
    await create_part(
        uow, {"id": "PART-001", "sku": "BRK-PAD-F", "name": "Pads", "unit_price": Decimal("89.99")}
    )
    await ledger.receive_stock(
        uow, clock, "clerk", "BRK-PAD-F", LOCATION, Decimal(20), Decimal("40.00")
    )
    return Shop(owner.id, vehicle.id)


async def new_order(uow: Units, clock: ManualClock, shop: Shop, **fields: Any) -> ServiceOrder:
    values = {
        "customer_id": shop.customer,
        "vehicle_id": shop.vehicle,
        "location_id": LOCATION,
        "priority": "HIGH",
        "description": "Brakes squeal",
        **fields,
    }
    return await lifecycle.create_service_order(uow, clock, values)


async def stored(uow: Units, order_id: str) -> ServiceOrder:
    return await lifecycle.service_order(uow, order_id)


async def moved(uow: Units, clock: ManualClock, order_id: str, steps: int) -> ServiceOrder:
    """The order moved `steps` along: scheduled, dispatched to TECH-001, started."""
    order = await stored(uow, order_id)
    moves = [
        lambda v: lifecycle.schedule(uow, clock, ADVISOR, order_id, START, END, v),
        lambda v: lifecycle.assign_technician(uow, clock, ADVISOR, order_id, "TECH-001", v),
        lambda v: lifecycle.start_work(uow, clock, ADVISOR, order_id, v),
    ]
    for move in moves[:steps]:
        order = await move(order.version)
    return order


async def in_progress(uow: Units, clock: ManualClock, shop: Shop) -> ServiceOrder:
    return await moved(uow, clock, (await new_order(uow, clock, shop)).id, 3)


def session(**fields: Any) -> dict[str, Any]:
    return {
        "person_id": "TECH-001",
        "start_time": START,
        "end_time": END,
        "break_duration_minutes": 30,
        "billable_minutes": 240,
        "recorded_by": "TECH-001",
        **fields,
    }


async def completed(uow: Units, clock: ManualClock, shop: Shop) -> ServiceOrder:
    """The seed's order: a 240-minute session and brake pads (2 x 89.99), completed."""
    order = await in_progress(uow, clock, shop)
    order = await work_sessions.record_work_session(uow, clock, order.id, 4, session())
    order = await work_sessions.record_parts_usage(uow, clock, "tech-1", order.id, 5, [PADS])
    return await lifecycle.complete(uow, clock, ADVISOR, order.id, None, "RESOLVED", 6)


async def finalized(uow: Units, clock: ManualClock, shop: Shop) -> ServiceOrder:
    order = await completed(uow, clock, shop)
    return await billing.finalize(
        uow, clock, order.id, "clerk@shop", Decimal("60.00"), "LABOR_TAX", None, order.version
    )


async def test_an_order_with_no_parts_tells_inventory_nothing_when_finalized(
    uow: Units, clock: ManualClock, database: Database, shop: Shop
) -> None:
    order = await in_progress(uow, clock, shop)
    order = await work_sessions.record_work_session(uow, clock, order.id, 4, session())
    order = await lifecycle.complete(uow, clock, ADVISOR, order.id, None, "RESOLVED", 5)
    await billing.finalize(
        uow, clock, order.id, "clerk@shop", Decimal("60.00"), "LABOR_TAX", None, order.version
    )
    finalized_facts = [type(e) for e in order_events(database)[-2:]]
    assert finalized_facts == [ServiceOrderReadyForBilling, SnapshotFinalized]
    assert not any(isinstance(e, PartsUsageRecorded) for e in database.outbox)


# Opening an order


async def test_a_new_order_takes_its_number_and_deadlines_and_records_its_creation(
    uow: Units, clock: ManualClock, database: Database, shop: Shop
) -> None:
    created = await new_order(uow, clock, shop)
    assert (created.id, created.status, created.version, created.created_at) == (
        "SO-001",
        S.REQUESTED,
        1,
        clock.now(),
    )
    assert created.deadlines == SlaDeadlines(
        response_due_at=clock.now() + timedelta(hours=4),
        resolution_due_at=clock.now() + timedelta(hours=24),
        response_at_risk_at=clock.now() + timedelta(hours=3, minutes=12),
        resolution_at_risk_at=clock.now() + timedelta(hours=19, minutes=12),
    )
    assert order_events(database) == with_ids_of(
        order_events(database),
        [
            ServiceOrderCreated(
                **about("SO-001", clock.now()),
                customer_id=shop.customer,
                priority=Priority.HIGH,
                status=S.REQUESTED,
            )
        ],
    )
    assert await stored(uow, "SO-001") is not created


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"customer_id": "CUST-404"}, ("CUSTOMER_NOT_FOUND", "customerId")),
        ({"vehicle_id": "VEH-404"}, ("VEHICLE_NOT_FOUND", "vehicleId")),
        ({"location_id": "LOC-404"}, ("LOCATION_NOT_FOUND", "locationId")),
        ({"customer_id": "OTHER"}, ("VEHICLE_NOT_OWNED", "vehicleId")),
        ({"description": ""}, ("BAD_USER_INPUT", "description")),
        ({"priority": "URGENT"}, ("BAD_USER_INPUT", "priority")),
        ({"id": "WO-1"}, ("BAD_USER_INPUT", "serviceOrderId")),
    ],
)
async def test_an_order_for_unknown_parties_or_bad_input_is_refused_and_takes_no_number(
    uow: Units,
    clock: ManualClock,
    database: Database,
    shop: Shop,
    change: dict[str, str],
    expected: tuple[str, str],
) -> None:
    other = await customers.create_customer(uow, clock, {"name": "Other"})
    change = {k: other.id if v == "OTHER" else v for k, v in change.items()}
    with pytest.raises(DomainError) as refused:
        await new_order(uow, clock, shop, **change)
    assert refusal(refused) == [expected]
    assert (database.committed("service_orders", TENANT), order_events(database)) == ({}, [])
    assert (await new_order(uow, clock, shop)).id == "SO-001"


async def test_a_chosen_number_is_kept_and_a_taken_one_refused(
    uow: Units, clock: ManualClock, shop: Shop
) -> None:
    assert (await new_order(uow, clock, shop, id="SO-100")).id == "SO-100"
    with pytest.raises(DomainError) as refused:
        await new_order(uow, clock, shop, id="SO-100", description="Again")
    assert refusal(refused) == [("DUPLICATE_ID", "serviceOrderId")]
    assert (await stored(uow, "SO-100")).description == "Brakes squeal"


async def test_another_tenants_order_is_not_found(
    uow: Units, stranger: Units, clock: ManualClock, shop: Shop
) -> None:
    order = await new_order(uow, clock, shop)
    with pytest.raises(DomainError) as refused:
        await lifecycle.service_order(stranger, order.id)
    assert refusal(refused) == [("SERVICE_ORDER_NOT_FOUND", "serviceOrderId")]
    with pytest.raises(DomainError) as refused:
        await lifecycle.cancel(stranger, clock, ADVISOR, order.id, "mine", 1)
    assert refusal(refused) == [("SERVICE_ORDER_NOT_FOUND", "serviceOrderId")]
    assert (await stored(uow, order.id)).status is S.REQUESTED


async def test_orders_are_listed_newest_first_and_filtered(
    uow: Units, clock: ManualClock, shop: Shop
) -> None:
    low = await new_order(uow, clock, shop, priority="LOW")
    clock.advance(timedelta(minutes=1))
    high = await new_order(uow, clock, shop, priority="CRITICAL")
    await lifecycle.cancel(uow, clock, ADVISOR, low.id, "dup", 1)

    async def ids(where: OrderFilter, size: int = 20) -> list[str]:
        page = await lifecycle.service_orders(uow, where, PageRequest(0, size))
        return [order.id for order in page.items]

    assert await ids(OrderFilter()) == [high.id, low.id]
    assert await ids(OrderFilter(location_id=LOCATION, statuses=(S.REQUESTED,))) == [high.id]
    assert await ids(OrderFilter(priorities=(Priority.LOW,))) == [low.id]
    assert await ids(OrderFilter(location_id="LOC-999")) == []
    first = await lifecycle.service_orders(uow, OrderFilter(), PageRequest(0, 1))
    assert (first.has_next_page, await first.count_total()) == (True, 2)


# Moving an order along


async def test_each_move_records_its_facts_at_the_clocks_instant(
    uow: Units, clock: ManualClock, database: Database, shop: Shop
) -> None:
    order = await new_order(uow, clock, shop)
    moves = {"customer_id": shop.customer, "location_id": LOCATION}
    expected: list[DomainEvent] = []

    def status(before: S, after: S, technician: str | None = None) -> ServiceOrderStatusChanged:
        return ServiceOrderStatusChanged(
            **about(order.id, clock.now()),
            previous_status=before,
            new_status=after,
            technician_id=technician,
            changed_by="advisor-2",
            estimated_completion_at=None if after is S.COMPLETED else END,
            **moves,
        )

    clock.advance(timedelta(minutes=5))
    scheduled = await lifecycle.schedule(uow, clock, ADVISOR, order.id, START, END, 1)
    assert (scheduled.status, scheduled.schedule_start, scheduled.first_scheduled_at) == (
        S.SCHEDULED,
        START,
        clock.now(),
    )
    expected += [
        ServiceOrderScheduled(
            **about(order.id, clock.now()), schedule_start=START, schedule_end=END
        ),
        status(S.REQUESTED, S.SCHEDULED),
    ]
    clock.advance(timedelta(minutes=5))
    dispatched = await lifecycle.assign_technician(uow, clock, ADVISOR, order.id, " TECH-001 ", 2)
    assert (dispatched.status, dispatched.technician_id) == (S.DISPATCHED, "TECH-001")
    expected.append(status(S.SCHEDULED, S.DISPATCHED, "TECH-001"))
    clock.advance(timedelta(minutes=5))
    started = await lifecycle.start_work(uow, clock, ADVISOR, order.id, 3)
    assert (started.status, started.started_at) == (S.IN_PROGRESS, clock.now())
    expected.append(status(S.DISPATCHED, S.IN_PROGRESS, "TECH-001"))
    clock.advance(timedelta(hours=2))
    done = await lifecycle.complete(uow, clock, ADVISOR, order.id, None, " RESOLVED ", 4)
    assert (done.status, done.completed_at, done.resolution_code, done.version) == (
        S.COMPLETED,
        clock.now(),
        "RESOLVED",
        5,
    )
    expected += [
        ServiceOrderCompleted(
            **about(order.id, clock.now()),
            completion_time=clock.now(),
            resolution_code="RESOLVED",
        ),
        status(S.IN_PROGRESS, S.COMPLETED, "TECH-001"),
    ]
    published = order_events(database)[1:]
    assert published == with_ids_of(published, expected)
    reread = await stored(uow, order.id)
    assert (reread.status, reread.version, reread.completed_at) == (S.COMPLETED, 5, clock.now())


async def test_a_completion_time_given_is_kept_but_never_in_the_future(
    uow: Units, clock: ManualClock, database: Database, shop: Shop
) -> None:
    order = await in_progress(uow, clock, shop)
    clock.advance(timedelta(hours=2))
    published = list(database.outbox)
    with pytest.raises(DomainError) as refused:
        await lifecycle.complete(
            uow, clock, ADVISOR, order.id, clock.now() + timedelta(seconds=1), "OK", 4
        )
    assert refusal(refused) == [("BAD_USER_INPUT", "completionTime")]
    assert (database.outbox, (await stored(uow, order.id)).version) == (published, 4)
    earlier = clock.now() - timedelta(minutes=1)
    done = await lifecycle.complete(uow, clock, ADVISOR, order.id, earlier, "RESOLVED", 4)
    assert done.completed_at == earlier
    assert [e.occurred_at for e in order_events(database)[-2:]] == [earlier, earlier]


async def test_an_order_is_rescheduled_until_work_starts(
    uow: Units, clock: ManualClock, database: Database, shop: Shop
) -> None:
    order = await moved(uow, clock, (await new_order(uow, clock, shop)).id, 1)
    first_response = order.first_scheduled_at
    clock.advance(timedelta(hours=1))
    later_start, later_end = START + timedelta(days=1), END + timedelta(days=1)
    published = len(database.outbox)
    order = await lifecycle.schedule(uow, clock, ADVISOR, order.id, later_start, later_end, 2)
    assert (order.status, order.schedule_start, order.first_scheduled_at) == (
        S.SCHEDULED,
        later_start,
        first_response,
    )
    assert [type(e) for e in database.outbox[published:]] == [ServiceOrderScheduled]
    order = await lifecycle.assign_technician(uow, clock, ADVISOR, order.id, "TECH-001", 3)
    order = await lifecycle.schedule(uow, clock, ADVISOR, order.id, START, END, 4)
    assert order.status is S.DISPATCHED
    order = await lifecycle.start_work(uow, clock, ADVISOR, order.id, 5)
    with pytest.raises(DomainError) as refused:
        await lifecycle.schedule(uow, clock, ADVISOR, order.id, START, END, 6)
    assert refusal(refused) == [("INVALID_TRANSITION", "status")]


async def test_a_visit_must_start_before_it_ends_and_a_refused_one_changes_nothing(
    uow: Units, clock: ManualClock, database: Database, shop: Shop
) -> None:
    order = await new_order(uow, clock, shop)
    with pytest.raises(DomainError) as refused:
        await lifecycle.schedule(uow, clock, ADVISOR, order.id, END, START, 1)
    assert refusal(refused) == [("BAD_USER_INPUT", "scheduleEnd")]
    reread = await stored(uow, order.id)
    assert (reread.status, reread.schedule_start, reread.version) == (S.REQUESTED, None, 1)
    assert len(order_events(database)) == 1


@pytest.mark.parametrize(
    "step",
    [
        lambda uow, clock, order_id: lifecycle.assign_technician(
            uow, clock, ADVISOR, order_id, "TECH-001", 1
        ),
        lambda uow, clock, order_id: lifecycle.start_work(uow, clock, ADVISOR, order_id, 1),
        lambda uow, clock, order_id: lifecycle.complete(
            uow, clock, ADVISOR, order_id, None, "OK", 1
        ),
    ],
    ids=["assign", "start", "complete"],
)
async def test_a_requested_order_cannot_skip_ahead(
    uow: Units, clock: ManualClock, database: Database, shop: Shop, step: Callable[..., Any]
) -> None:
    order = await new_order(uow, clock, shop)
    with pytest.raises(DomainError) as refused:
        await step(uow, clock, order.id)
    assert refusal(refused) == [("INVALID_TRANSITION", "status")]
    assert "is REQUESTED" in refused.value.message
    assert ((await stored(uow, order.id)).version, len(order_events(database))) == (1, 1)


async def test_work_cannot_start_before_dispatch_nor_complete_before_it_starts(
    uow: Units, clock: ManualClock, shop: Shop
) -> None:
    order = await moved(uow, clock, (await new_order(uow, clock, shop)).id, 1)
    with pytest.raises(DomainError) as refused:
        await lifecycle.start_work(uow, clock, ADVISOR, order.id, 2)
    assert refusal(refused) == [("INVALID_TRANSITION", "status")]
    order = await lifecycle.assign_technician(uow, clock, ADVISOR, order.id, "TECH-001", 2)
    with pytest.raises(DomainError) as refused:
        await lifecycle.complete(uow, clock, ADVISOR, order.id, None, "RESOLVED", 3)
    assert refusal(refused) == [("INVALID_TRANSITION", "status")]


@pytest.mark.parametrize("steps", [0, 1, 2, 3])
async def test_an_order_is_cancelled_from_any_state_before_completion(
    uow: Units, clock: ManualClock, database: Database, shop: Shop, steps: int
) -> None:
    order = await moved(uow, clock, (await new_order(uow, clock, shop)).id, steps)
    clock.advance(timedelta(minutes=7))
    cancelled = await lifecycle.cancel(
        uow, clock, ADVISOR, order.id, " Customer sold the van ", steps + 1
    )
    assert (cancelled.status, cancelled.cancellation_reason, cancelled.cancelled_at) == (
        S.CANCELLED,
        "Customer sold the van",
        clock.now(),
    )
    [change] = order_events(database)[-1:]
    assert change == ServiceOrderStatusChanged(
        **about(order.id, clock.now()),
        event_id=change.event_id,
        previous_status=order.status,
        new_status=S.CANCELLED,
        location_id=LOCATION,
        customer_id=shop.customer,
        technician_id=order.technician_id,
        reason="Customer sold the van",
        changed_by="advisor-2",
    )
    with pytest.raises(DomainError) as refused:
        await lifecycle.schedule(uow, clock, ADVISOR, order.id, START, END, steps + 2)
    assert refusal(refused) == [("INVALID_TRANSITION", "status")]


async def test_a_cancellation_needs_a_reason_and_a_completed_order_stays(
    uow: Units, clock: ManualClock, shop: Shop
) -> None:
    order = await new_order(uow, clock, shop)
    with pytest.raises(DomainError) as refused:
        await lifecycle.cancel(uow, clock, ADVISOR, order.id, "  ", 1)
    assert refusal(refused) == [("BAD_USER_INPUT", "reason")]
    done = await completed(uow, clock, shop)
    with pytest.raises(DomainError) as refused:
        await lifecycle.cancel(uow, clock, ADVISOR, done.id, "Too late", done.version)
    assert refusal(refused) == [("INVALID_TRANSITION", "status")]
    assert (await stored(uow, done.id)).status is S.COMPLETED


async def test_a_stale_version_is_a_version_conflict_and_records_nothing(
    uow: Units, clock: ManualClock, database: Database, shop: Shop
) -> None:
    order = await new_order(uow, clock, shop)
    await lifecycle.schedule(uow, clock, ADVISOR, order.id, START, END, 1)
    published = list(database.outbox)
    with pytest.raises(DomainError) as refused:
        await lifecycle.cancel(uow, clock, ADVISOR, order.id, "Changed my mind", 1)
    assert refusal(refused) == [("VERSION_CONFLICT", "version")]
    assert ((await stored(uow, order.id)).status, database.outbox) == (S.SCHEDULED, published)


# Work and parts


async def test_a_work_session_takes_the_next_number_and_records_its_fact(
    uow: Units, clock: ManualClock, database: Database, shop: Shop
) -> None:
    order = await in_progress(uow, clock, shop)
    clock.advance(timedelta(hours=3))
    order = await work_sessions.record_work_session(uow, clock, order.id, 4, session())
    [recorded] = (await stored(uow, order.id)).work_sessions
    assert (recorded.session_id, recorded.billable_minutes, recorded.recorded_at) == (
        "WS-001",
        240,
        clock.now(),
    )
    assert order.version == 5
    [fact] = order_events(database)[-1:]
    assert fact == WorkSessionRecorded(
        **about(order.id, clock.now()),
        event_id=fact.event_id,
        work_session_id="WS-001",
        person_id="TECH-001",
        location_id=LOCATION,
        start_time=START,
        end_time=END,
        break_duration_minutes=30,
        billable_minutes=240,
        work_type="LABOR",
        recorded_by="TECH-001",
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"end_time": START}, [("INVALID_SESSION_TIMES", "endTime")]),
        (
            {"start_time": datetime(1970, 1, 1, tzinfo=UTC)},
            [("INVALID_SESSION_TIMES", "startTime")],
        ),
        (
            {
                "start_time": datetime(2030, 1, 1, 8, tzinfo=UTC),
                "end_time": datetime(2030, 1, 1, 12, 30, tzinfo=UTC),
            },
            [("INVALID_SESSION_TIMES", "endTime")],
        ),
        ({"billable_minutes": 241}, [("BILLABLE_MINUTES_EXCEED_WORKED", "billableMinutes")]),
        ({"person_id": "NOBODY"}, [("INVALID_PERSON_ID", "personId")]),
        ({"recorded_by": "CLERK-1"}, [("RECORDER_ROLE_NOT_ALLOWED", "recordedBy")]),
        (
            {"recorded_by": "CLERK-1", "billable_minutes": 999},
            [
                ("RECORDER_ROLE_NOT_ALLOWED", "recordedBy"),
                ("BILLABLE_MINUTES_EXCEED_WORKED", "billableMinutes"),
            ],
        ),
    ],
)
async def test_a_session_breaking_a_rule_is_refused_with_its_codes_and_stores_nothing(
    uow: Units,
    clock: ManualClock,
    database: Database,
    shop: Shop,
    change: dict[str, Any],
    expected: list[tuple[str, str]],
) -> None:
    order = await in_progress(uow, clock, shop)
    published = list(database.outbox)
    with pytest.raises(DomainError) as refused:
        await work_sessions.record_work_session(uow, clock, order.id, 4, session(**change))
    assert refusal(refused) == expected
    reread = await stored(uow, order.id)
    assert (reread.work_sessions, reread.version, database.outbox) == ([], 4, published)


async def test_sessions_are_recorded_while_work_runs_and_each_id_once(
    uow: Units, clock: ManualClock, shop: Shop
) -> None:
    waiting = await new_order(uow, clock, shop)
    with pytest.raises(DomainError) as refused:
        await work_sessions.record_work_session(uow, clock, waiting.id, 1, session())
    assert refusal(refused) == [("INVALID_TRANSITION", "status")]
    order = await in_progress(uow, clock, shop)
    await work_sessions.record_work_session(uow, clock, order.id, 4, session(session_id="WS-9"))
    other = await in_progress(uow, clock, shop)
    with pytest.raises(DomainError) as refused:
        await work_sessions.record_work_session(uow, clock, other.id, 4, session(session_id="WS-9"))
    assert refusal(refused) == [("DUPLICATE_WORK_SESSION", "workSessionId")]
    assert (await stored(uow, other.id)).work_sessions == []


async def test_one_persons_sessions_on_an_order_cannot_overlap(
    uow: Units, clock: ManualClock, shop: Shop
) -> None:
    order = await in_progress(uow, clock, shop)
    order = await work_sessions.record_work_session(uow, clock, order.id, 4, session())
    with pytest.raises(DomainError) as refused:
        await work_sessions.record_work_session(uow, clock, order.id, 5, session())
    assert refusal(refused) == [("OVERLAPPING_WORK_SESSION", "startTime")]
    later = session(
        start_time=END,
        end_time=END + timedelta(hours=1),
        break_duration_minutes=0,
        billable_minutes=60,
    )
    order = await work_sessions.record_work_session(uow, clock, order.id, 5, later)
    assert len((await stored(uow, order.id)).work_sessions) == 2


async def test_a_person_works_only_at_locations_that_exist(uow: Units, shop: Shop) -> None:
    with pytest.raises(DomainError) as refused:
        await work_sessions.save_person(
            uow,
            {
                "person_id": "TECH-009",
                "name": "Sam",
                "roles": ["TECHNICIAN"],
                "location_ids": [LOCATION, "LOC-404"],
            },
        )
    assert refusal(refused) == [("LOCATION_NOT_FOUND", "locationIds")]
    assert "LOC-404" in refused.value.message


async def test_parts_take_their_numbers_and_an_id_is_recorded_once(
    uow: Units, clock: ManualClock, database: Database, shop: Shop
) -> None:
    order = await in_progress(uow, clock, shop)
    published = list(database.outbox)
    order = await work_sessions.record_parts_usage(uow, clock, "tech-1", order.id, 4, [PADS, PADS])
    assert [p.workorder_part_id for p in (await stored(uow, order.id)).parts] == [
        "WOP-001",
        "WOP-002",
    ]
    told = [e for e in database.outbox[len(published) :] if not isinstance(e, StockMoved)]
    assert (order.version, told) == (5, []), "parts are told on finalizing"
    for parts, taken in (
        ([{**PADS, "workorder_part_id": "WOP-001"}], "WOP-001"),
        ([{**PADS, "workorder_part_id": "X-1"}, {**PADS, "workorder_part_id": "X-1"}], "X-1"),
    ):
        with pytest.raises(DomainError) as refused:
            await work_sessions.record_parts_usage(uow, clock, "tech-1", order.id, 5, parts)
        assert refusal(refused) == [("DUPLICATE_ID", "workorderPartId")]
        assert taken in refused.value.message
    with pytest.raises(DomainError) as refused:
        await work_sessions.record_parts_usage(uow, clock, "tech-1", order.id, 5, [])
    assert refusal(refused) == [("BAD_USER_INPUT", "parts")]
    with pytest.raises(DomainError) as refused:
        await work_sessions.record_parts_usage(
            uow, clock, "tech-1", order.id, 5, [{**PADS, "quantity": Decimal("0")}]
        )
    assert refusal(refused) == [("BAD_USER_INPUT", "quantity")]
    assert len((await stored(uow, order.id)).parts) == 2


# Finalizing and billing


async def test_finalizing_captures_the_seed_snapshot_and_tells_billing(
    uow: Units, clock: ManualClock, database: Database, shop: Shop
) -> None:
    order = await completed(uow, clock, shop)
    clock.advance(timedelta(hours=1))
    order = await billing.finalize(
        uow, clock, order.id, "clerk@shop", Decimal("60.00"), "LABOR_TAX", "PO-1", 7
    )
    snapshot = (await stored(uow, order.id)).snapshot
    assert snapshot is not None and snapshot == order.snapshot
    assert (snapshot.snapshot_id, snapshot.captured_at, snapshot.currency) == (
        "SNAP-001",
        clock.now(),
        "USD",
    )
    assert (
        snapshot.parts_total,
        snapshot.labor_total,
        snapshot.tax_total,
        snapshot.grand_total,
    ) == (Decimal("179.98"), Decimal("240.00"), Decimal("33.60"), Decimal("453.58"))
    assert (order.status, order.gl_entries, order.version) == (S.COMPLETED, (), 8)
    bill = snapshot.summary()
    told = {
        "customer_id": shop.customer,
        "location_id": LOCATION,
        "bill": bill,
        "po_number": "PO-1",
    }
    published = order_events(database)[-3:]
    assert published == with_ids_of(
        published,
        [
            PartsUsageRecorded(
                **about(order.id, clock.now()),
                location_id=LOCATION,
                customer_id=shop.customer,
                completed_at=order.completed_at,
                completed_by="clerk@shop",
                parts=(
                    RecordedPart(
                        "WOP-001",
                        "PROD-BRAKE-PAD",
                        "BRK-PAD-F",
                        Decimal("2"),
                        Decimal("89.99"),
                        False,
                        False,
                    ),
                ),
                total_cost=Decimal("179.98"),
            ),
            ServiceOrderReadyForBilling(**about(order.id, clock.now()), **told),
            SnapshotFinalized(
                **about(order.id, clock.now()),
                **told,
                estimate_id=None,
                finalized_by="clerk@shop",
            ),
        ],
    )


async def test_finalizing_is_for_completed_orders_once_with_every_line_taxed(
    uow: Units, clock: ManualClock, database: Database, shop: Shop
) -> None:
    rate = Decimal("60.00")
    working = await in_progress(uow, clock, shop)
    with pytest.raises(DomainError) as refused:
        await billing.finalize(uow, clock, working.id, "c", rate, "LABOR_TAX", None, 4)
    assert refusal(refused) == [("INVALID_TRANSITION", "status")]
    done = await completed(uow, clock, shop)
    published = list(database.outbox)
    for labor_rate, code, expected in (
        (rate, None, "MISSING_TAX_CODE"),
        (Decimal("-1"), "LABOR_TAX", "BAD_USER_INPUT"),
    ):
        with pytest.raises(DomainError) as refused:
            await billing.finalize(uow, clock, done.id, "c", labor_rate, code, None, 7)
        assert refused.value.code == expected
    reread = await stored(uow, done.id)
    assert (reread.snapshot, reread.version, database.outbox) == (None, 7, published)
    await billing.finalize(uow, clock, done.id, "c", rate, "LABOR_TAX", None, 7)
    with pytest.raises(DomainError) as refused:
        await billing.finalize(uow, clock, done.id, "c", rate, "LABOR_TAX", None, 8)
    assert refused.value.code == "SNAPSHOT_ALREADY_FINALIZED"


async def test_billing_posts_the_orders_invoice_once_and_closes_the_order(
    uow: Units, clock: ManualClock, database: Database, shop: Shop
) -> None:
    unfinalized = await completed(uow, clock, shop)
    with pytest.raises(DomainError) as refused:
        await billing.bill(uow, clock, ADVISOR, unfinalized.id, None, 7)
    assert refused.value.code == "BILLABLE_SNAPSHOT_MISSING"
    order = await finalized(uow, clock, shop)
    clock.advance(timedelta(days=1))
    billed = await billing.bill(uow, clock, ADVISOR, order.id, None, 8)
    amount = Decimal("453.58")
    gl = (
        GlEntry("1200", "Accounts Receivable", Side.DEBIT, amount),
        GlEntry("4100", "Service Revenue", Side.CREDIT, Decimal("419.98")),
        GlEntry("2100", "Sales Tax Payable", Side.CREDIT, Decimal("33.60")),
    )
    reread = await stored(uow, order.id)
    assert (reread.status, reread.billed_at, reread.gl_entries) == (
        S.BILLED,
        clock.now(),
        (gl[0], gl[2], gl[1]),
    )
    async with uow() as work:
        (invoice,) = (await work.invoices.of_service_orders([order.id])).values()
    assert (invoice.number, invoice.status, invoice.total, invoice.journal[0].lines) == (
        "INV-2026-000001",
        InvoiceStatus.POSTED,
        amount,
        gl,
    )
    assert [(line.item_type, line.net_amount, line.tax_amount) for line in invoice.lines] == [
        (ItemType.PART, Decimal("179.98"), Decimal("14.40")),
        (ItemType.LABOR, Decimal("240.00"), Decimal("19.20")),
    ]
    published = order_events(database)[-2:]
    assert published == with_ids_of(
        published,
        [
            ServiceOrderBilled(
                **about(order.id, clock.now()),
                customer_id=shop.customer,
                amount=amount,
                currency="USD",
            ),
            ServiceOrderStatusChanged(
                **about(order.id, clock.now()),
                previous_status=S.COMPLETED,
                new_status=S.BILLED,
                location_id=LOCATION,
                customer_id=shop.customer,
                technician_id="TECH-001",
                changed_by="advisor-2",
            ),
        ],
    )
    with pytest.raises(DomainError) as refused:
        await billing.bill(uow, clock, ADVISOR, order.id, None, billed.version)
    assert refusal(refused) == [("INVALID_TRANSITION", "status")]
    with pytest.raises(DomainError) as refused:
        await work_sessions.record_work_session(uow, clock, order.id, billed.version, session())
    assert refusal(refused) == [("INVALID_TRANSITION", "status")]


async def test_a_second_bill_with_the_version_read_before_the_first_is_a_conflict(
    uow: Units, clock: ManualClock, database: Database, shop: Shop
) -> None:
    order = await finalized(uow, clock, shop)
    await billing.bill(uow, clock, ADVISOR, order.id, None, order.version)
    posted = database.committed("service_order_gl_entries", TENANT)
    with pytest.raises(DomainError) as refused:
        await billing.bill(uow, clock, ADVISOR, order.id, None, order.version)
    assert refusal(refused) == [("VERSION_CONFLICT", "version")]
    assert database.committed("service_order_gl_entries", TENANT) == posted
    assert [type(e) for e in order_events(database)].count(ServiceOrderBilled) == 1


async def test_billing_into_a_closed_period_or_before_completion_is_refused(
    uow: Units, clock: ManualClock, database: Database, shop: Shop
) -> None:
    async with uow() as work:
        await work.financial_periods.record_closed(
            FinancialPeriod("2026-03", date(2026, 3, 1), date(2026, 3, 31), clock.now(), "ctl")
        )
        await work.commit()
    order = await finalized(uow, clock, shop)
    published = list(database.outbox)
    for on, code in (
        (date(2026, 3, 31), "FINANCIAL_PERIOD_CLOSED"),
        (date(2026, 3, 1), "BILLING_BEFORE_COMPLETION"),
    ):
        with pytest.raises(DomainError) as refused:
            await billing.bill(uow, clock, ADVISOR, order.id, on, order.version)
        assert refused.value.code == code
    reread = await stored(uow, order.id)
    assert (reread.status, reread.gl_entries, database.outbox) == (S.COMPLETED, (), published)
    assert database.committed("invoices", TENANT) == {}
    billed = await billing.bill(uow, clock, ADVISOR, order.id, date(2026, 4, 1), order.version)
    assert billed.billed_at == datetime.combine(date(2026, 4, 1), clock.now().time(), UTC)
    assert billed.status is S.BILLED


# From an approved estimate


def stored_estimate(database: Database, status: EstimateStatus) -> Estimate:
    """An estimate as the estimate use cases leave it, for CUST-001's VEH-001 at LOC-001."""
    estimate = Estimate(
        id="EST-001",
        tenant_id=TENANT,
        number="EST-001",
        customer_id="CUST-001",
        vehicle_id="VEH-001",
        location_id=LOCATION,
        created_by="clerk",
        created_at=datetime(2026, 3, 1, tzinfo=UTC),
        status=status,
        items=(
            EstimateItem(
                "L-1", ItemType.PART, "Pads", Decimal("2"), Decimal("89.99"), "TAXABLE_GOODS"
            ),
            EstimateItem(
                "L-2", ItemType.LABOR, "Fit", Decimal("1"), Decimal("120.00"), "LABOR_TAX"
            ),
        ),
    )
    database.tables.setdefault("estimates", {})[(TENANT, estimate.id)] = stored_row(estimate)
    return estimate


async def test_an_approved_estimate_becomes_an_order_carrying_its_lines(
    uow: Units, clock: ManualClock, database: Database, shop: Shop
) -> None:
    estimate = stored_estimate(database, EstimateStatus.APPROVED)
    order = await from_estimates.create_from_estimate(uow, clock, estimate.id, "HIGH", None)
    reread = await stored(uow, order.id)
    assert (reread.id, reread.status, reread.estimate_id, reread.customer_id) == (
        "SO-001",
        S.REQUESTED,
        estimate.id,
        shop.customer,
    )
    assert reread.description == "Work approved on estimate EST-001"
    assert reread.items == (
        OrderItem("L-1", ItemType.PART, "Pads", Decimal("2"), Decimal("89.99"), "TAXABLE_GOODS"),
        OrderItem("L-2", ItemType.LABOR, "Fit", Decimal("1"), Decimal("120.00"), "LABOR_TAX"),
    )
    assert [type(e) for e in order_events(database)] == [ServiceOrderCreated]


async def test_only_an_approved_estimate_becomes_an_order_and_only_once(
    uow: Units, clock: ManualClock, database: Database, shop: Shop
) -> None:
    stored_estimate(database, EstimateStatus.PENDING_APPROVAL)
    with pytest.raises(DomainError) as refused:
        await from_estimates.create_from_estimate(uow, clock, "EST-001", "LOW", None)
    assert refusal(refused) == [("ESTIMATE_NOT_APPROVED", "estimateId")]
    assert database.committed("service_orders", TENANT) == {}
    stored_estimate(database, EstimateStatus.APPROVED)
    first = await from_estimates.create_from_estimate(uow, clock, "EST-001", "LOW", None)
    with pytest.raises(DomainError) as refused:
        await from_estimates.create_from_estimate(uow, clock, "EST-001", "LOW", "Again")
    assert refusal(refused) == [("ESTIMATE_ALREADY_ORDERED", "estimateId")]
    assert first.id in refused.value.message
    with pytest.raises(DomainError) as refused:
        await from_estimates.create_from_estimate(uow, clock, "EST-404", "LOW", None)
    assert refusal(refused) == [("ESTIMATE_NOT_FOUND", "estimateId")]
    assert len(database.committed("service_orders", TENANT)) == 1


async def test_an_order_from_an_approved_estimate_bills_what_was_approved_discount_included(
    uow: Units, clock: ManualClock, database: Database, shop: Shop
) -> None:
    async with uow() as work:
        codes = {code.code: code for code in await work.tax_codes.for_location(LOCATION)}
    estimate = stored_estimate(database, EstimateStatus.APPROVED)
    estimate.discount = Discount(percent=Decimal("5"))
    estimate.totals = calculate_totals(estimate.items, estimate.discount, codes, "USD")
    database.tables["estimates"][(TENANT, estimate.id)] = stored_row(estimate)
    order = await from_estimates.create_from_estimate(uow, clock, estimate.id, "HIGH", None)
    order = await moved(uow, clock, order.id, 3)
    order = await work_sessions.record_work_session(uow, clock, order.id, 4, session())
    order = await work_sessions.record_parts_usage(uow, clock, "tech-1", order.id, 5, [PADS])
    order = await lifecycle.complete(uow, clock, ADVISOR, order.id, None, "RESOLVED", 6)
    order = await billing.finalize(
        uow, clock, order.id, "clerk@shop", Decimal("60.00"), "LABOR_TAX", None, order.version
    )
    assert order.snapshot is not None and order.snapshot.grand_total == Decimal("453.58")
    billed = await billing.bill(uow, clock, ADVISOR, order.id, None, order.version)
    async with uow() as work:
        invoice = (await work.invoices.of_service_orders([order.id]))[order.id]
    assert invoice.total == estimate.totals.grand_total == billed.gl_entries[0].amount
    assert [line.discount for line in invoice.lines] == [
        line.discount for line in estimate.totals.lines
    ]
    assert invoice.note == (
        "Labor recorded: 240.00 (240 billable minutes); labor approved on estimate EST-001: "
        "120.00. The approved amount is billed, as the customer approved it."
    )
    (billed_event,) = [e for e in order_events(database) if isinstance(e, ServiceOrderBilled)]
    assert billed_event.amount == estimate.totals.grand_total


# What other systems report


async def applied(uow: Units, fact: DomainEvent) -> None:
    """Apply an inbound fact in one unit of work, as the inbound consumer does."""
    handlers = {
        TechnicianAssigned: inbound.technician_assigned,
        PartsConsumed: inbound.parts_consumed,
        ContractEntitlementValidated: inbound.contract_entitlement_validated,
    }
    async with uow() as work:
        await handlers[type(fact)](work, fact)  # type: ignore[operator]
        await work.commit()


def assigned(order_id: str, technician: str, at: datetime) -> TechnicianAssigned:
    return TechnicianAssigned(
        **about(order_id, at), service_order_id=order_id, technician_id=technician
    )


async def test_a_technician_assigned_by_dispatch_dispatches_the_order_at_dispatchs_instant(
    uow: Units, clock: ManualClock, database: Database, shop: Shop
) -> None:
    order = await moved(uow, clock, (await new_order(uow, clock, shop)).id, 1)
    told = clock.now() - timedelta(minutes=3)
    await applied(uow, assigned(order.id, "TECH-7", told))
    reread = await stored(uow, order.id)
    assert (reread.status, reread.technician_id, reread.version) == (S.DISPATCHED, "TECH-7", 3)
    [change] = order_events(database)[-1:]
    assert (change.occurred_at, change.new_status, change.technician_id) == (  # type: ignore[attr-defined]
        told,
        S.DISPATCHED,
        "TECH-7",
    )
    published = len(database.outbox)
    await applied(uow, assigned(order.id, "TECH-8", clock.now()))
    reread = await stored(uow, order.id)
    assert (reread.technician_id, reread.version) == ("TECH-8", 4)
    assert len(database.outbox) == published, "a reassignment is no status change"


async def test_the_same_technician_told_again_after_work_started_changes_nothing(
    uow: Units, clock: ManualClock, database: Database, shop: Shop
) -> None:
    order = await in_progress(uow, clock, shop)
    published = list(database.outbox)
    await applied(uow, assigned(order.id, "TECH-001", clock.now()))
    reread = await stored(uow, order.id)
    assert (reread.status, reread.version, database.outbox) == (S.IN_PROGRESS, 4, published)
    with pytest.raises(DomainError) as refused:
        await applied(uow, assigned(order.id, "TECH-2", clock.now()))
    assert refusal(refused) == [("INVALID_TRANSITION", "status")]


async def test_parts_consumed_are_attached_and_those_recorded_are_skipped(
    uow: Units, clock: ManualClock, database: Database, shop: Shop
) -> None:
    order = await in_progress(uow, clock, shop)
    line = ConsumedPart(
        "WOP-INV-1", "PROD-BRAKE-PAD", "BRK-PAD-F", Decimal("2"), Decimal("89.99"), "TAXABLE_GOODS"
    )

    def consumed(*parts: ConsumedPart) -> PartsConsumed:
        return PartsConsumed(**about(order.id, clock.now()), service_order_id=order.id, parts=parts)

    await applied(uow, consumed(line))
    await applied(uow, consumed(line))
    assert (await stored(uow, order.id)).version == 5, "nothing new, nothing saved"
    await applied(uow, consumed(line, replace(line, workorder_part_id="WOP-INV-2")))
    reread = await stored(uow, order.id)
    assert [(p.workorder_part_id, p.billable_total) for p in reread.parts] == [
        ("WOP-INV-1", Decimal("179.98")),
        ("WOP-INV-2", Decimal("179.98")),
    ]
    assert reread.version == 6


async def test_a_contract_entitlement_marks_an_open_order_covered(
    uow: Units, clock: ManualClock, shop: Shop
) -> None:
    order = await new_order(uow, clock, shop)
    validated = ContractEntitlementValidated(
        **about(order.id, clock.now()), service_order_id=order.id, contract_id="CTR-9"
    )
    await applied(uow, validated)
    await applied(uow, validated)
    reread = await stored(uow, order.id)
    assert (reread.contract_id, reread.status, reread.version) == ("CTR-9", S.REQUESTED, 2)
    await lifecycle.cancel(uow, clock, ADVISOR, order.id, "Gone", 2)
    with pytest.raises(DomainError) as refused:
        await applied(uow, replace(validated, contract_id="CTR-10"))
    assert refusal(refused) == [("INVALID_TRANSITION", "status")]


async def test_a_fact_about_an_unknown_order_is_service_order_not_found(
    uow: Units, clock: ManualClock
) -> None:
    with pytest.raises(DomainError) as refused:
        await applied(uow, assigned("SO-404", "TECH-1", clock.now()))
    assert refusal(refused) == [("SERVICE_ORDER_NOT_FOUND", "serviceOrderId")]


# SLA policies and the deadlines an order is held to


async def test_defaults_apply_until_a_priority_gets_its_own_policy(uow: Units) -> None:
    windows = {
        p: (s.response_within, s.resolution_within)
        for p, s in (await policies.sla_policies(uow)).items()
    }
    hours = timedelta(hours=1)
    assert windows == {
        Priority.CRITICAL: (1 * hours, 4 * hours),
        Priority.HIGH: (4 * hours, 24 * hours),
        Priority.MEDIUM: (8 * hours, 72 * hours),
        Priority.LOW: (24 * hours, 120 * hours),
    }
    await policies.set_sla_policy(uow, "HIGH", 60, 240, Decimal("0.500"))
    after = await policies.sla_policies(uow)
    assert (after[Priority.HIGH].response_within, after[Priority.HIGH].at_risk_share) == (
        hours,
        Decimal("0.5"),
    )
    assert after[Priority.LOW].response_within == 24 * hours


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ((0, 60, None), "responseWithinMinutes"),
        ((120, 60, None), "resolutionWithinMinutes"),
        ((60, 120, Decimal("1.5")), "atRiskShare"),
        ((60, 120, Decimal("0.8125")), "atRiskShare"),
    ],
)
async def test_a_policy_that_cannot_work_is_refused_and_the_old_one_stays(
    uow: Units, arguments: tuple[int, int, Decimal | None], field: str
) -> None:
    with pytest.raises(DomainError) as refused:
        await policies.set_sla_policy(uow, "LOW", *arguments)
    assert refusal(refused) == [("BAD_USER_INPUT", field)]
    low = (await policies.sla_policies(uow))[Priority.LOW]
    assert low.response_within == timedelta(hours=24)


async def test_an_unknown_priority_is_refused(uow: Units) -> None:
    with pytest.raises(DomainError) as refused:
        await policies.set_sla_policy(uow, "URGENT", 60, 120)
    assert refusal(refused) == [("BAD_USER_INPUT", "priority")]


async def test_an_order_keeps_the_deadlines_it_was_created_with(
    uow: Units, clock: ManualClock, shop: Shop
) -> None:
    before = await new_order(uow, clock, shop, priority="LOW")
    await policies.set_sla_policy(uow, "LOW", 30, 60)
    after = await new_order(uow, clock, shop, priority="LOW")
    assert (await stored(uow, before.id)).deadlines.response_due_at == clock.now() + timedelta(  # type: ignore[union-attr]
        hours=24
    )
    assert (await stored(uow, after.id)).deadlines.response_due_at == clock.now() + timedelta(  # type: ignore[union-attr]
        minutes=30
    )


async def test_a_response_in_time_keeps_the_order_on_track(
    uow: Units, clock: ManualClock, shop: Shop
) -> None:
    created = clock.now()
    order = await new_order(uow, clock, shop, priority="CRITICAL")
    clock.advance(timedelta(minutes=10))
    await lifecycle.schedule(uow, clock, ADVISOR, order.id, START, END, 1)
    order = await stored(uow, order.id)
    assert order.deadlines is not None
    clock.advance(timedelta(minutes=100))
    on_track = standing(order, order.deadlines, clock.now())
    assert (on_track.response_due_at, on_track.resolution_due_at) == (
        created + timedelta(hours=1),
        created + timedelta(hours=4),
    )
    assert (on_track.at_risk, on_track.breached) == (False, False)
    clock.advance(timedelta(minutes=90))  # 200 of 240 minutes: the resolution is at risk
    assert standing(order, order.deadlines, clock.now()).at_risk is True


def appointment_report(order_id: str, status: str, at: datetime) -> AppointmentUpdated:
    return AppointmentUpdated(
        aggregate_id="APT-001",
        tenant_id=TENANT,
        occurred_at=at,
        service_order_id=order_id,
        status=status,
    )


async def test_shopmgmts_latest_appointment_report_is_kept_and_the_order_left_alone(
    uow: Units, clock: ManualClock, shop: Shop
) -> None:
    order = await new_order(uow, clock, shop)
    later = clock.now() + timedelta(hours=1)
    for report in (
        appointment_report(order.id, "IN_PROGRESS", later),
        appointment_report(order.id, "CONFIRMED", clock.now()),  # older, arriving late
        appointment_report("SO-NOWHERE", "CONFIRMED", later),  # no such order: dropped
    ):
        async with uow() as work:
            await inbound.appointment_updated(work, report)
            await work.commit()
    [kept] = await lifecycle.appointments_of(uow, [order.id])
    assert kept == Appointment("APT-001", order.id, "IN_PROGRESS", later)
    assert await lifecycle.appointments_of(uow, ["SO-NOWHERE"]) == [None]
    assert (await stored(uow, order.id)).version == order.version


# What an order awaits from People, Order and Accounting (seed 001, fail-closed)

NO_SIDE: frozenset[Acknowledger] = frozenset()
"""People, Order and Accounting are external: the gateway only waits."""


async def acknowledged(uow: Units, fact: AcknowledgementFact) -> None:
    """Apply an acknowledgement in one unit of work, as the inbound consumer does."""
    async with uow() as work:
        await acknowledgements.acknowledge(work, fact)
        await work.commit()


async def test_with_external_sides_finalizing_waits_for_people_and_billing_for_order_and_accounting(
    uow: Units, clock: ManualClock, database: Database, shop: Shop
) -> None:
    order = await in_progress(uow, clock, shop)
    order = await work_sessions.record_work_session(uow, clock, order.id, 4, session(), NO_SIDE)
    order = await lifecycle.complete(uow, clock, ADVISOR, order.id, None, "RESOLVED", 5)
    finalize = lambda: billing.finalize(  # noqa: E731
        uow, clock, order.id, "clerk", Decimal(60), "LABOR_TAX", None, order.version, NO_SIDE
    )
    with pytest.raises(DomainError) as waiting:
        await finalize()
    assert refusal(waiting) == [("AWAITING_ACKNOWLEDGEMENT", "serviceOrderId")]
    assert (await stored(uow, order.id)).snapshot is None

    at = clock.now()
    person = {"tenant_id": TENANT, "occurred_at": at, "workorder_id": order.id}
    await acknowledged(
        uow, WorkSessionCompleted(aggregate_id="WS-001", person_id="TECH-001", **person)
    )
    order = await stored(uow, order.id)
    order = await finalize()
    assert order.snapshot is not None and order.snapshot.snapshot_id == "SNAP-001"  # none skipped

    snapshot = {**person, "workorder_snapshot_id": "SNAP-001"}
    bill = lambda: billing.bill(uow, clock, ADVISOR, order.id, None, order.version)  # noqa: E731
    with pytest.raises(DomainError) as unbilled:
        await bill()
    assert dict(unbilled.value.details)["awaitedSystem"] == "ORDER"
    await acknowledged(
        uow,
        SalesOrderCreatedForWorkOrder(aggregate_id="ORD-7", customer_id=shop.customer, **snapshot),
    )
    await acknowledged(uow, RevenueRecorded(aggregate_id="REV-7", amount=Decimal(1), **snapshot))
    order = await stored(uow, order.id)
    assert (await bill()).status is S.BILLED
    assert not any(isinstance(e, AcknowledgementFact) for e in database.outbox)


async def test_the_gateway_playing_every_side_acknowledges_at_once_and_publishes_each_side(
    uow: Units, clock: ManualClock, database: Database, shop: Shop
) -> None:
    order = await finalized(uow, clock, shop)
    assert [a for a in order.acknowledgements if a.pending] == []
    given = [e for e in database.outbox if isinstance(e, AcknowledgementFact)]
    assert [(type(e), e.aggregate_id, e.reference) for e in given] == [
        (WorkSessionCompleted, "WS-001", "WS-001"),
        (SalesOrderCreatedForWorkOrder, "SNAP-001-SO", "SNAP-001"),
        (RevenueRecorded, "SNAP-001-REV", "SNAP-001"),
    ]
    version = order.version
    await acknowledged(uow, given[0])  # its own event, consumed back: nothing changes
    assert (await stored(uow, order.id)).version == version


async def test_an_acknowledgement_of_an_unknown_order_or_snapshot_is_refused(
    uow: Units, clock: ManualClock, shop: Shop
) -> None:
    order = await finalized(uow, clock, shop)
    about_order = {"tenant_id": TENANT, "occurred_at": clock.now(), "customer_id": shop.customer}
    for workorder, snapshot, code in (
        ("SO-404", "SNAP-001", "SERVICE_ORDER_NOT_FOUND"),
        (order.id, "SNAP-404", "UNKNOWN_ACKNOWLEDGEMENT"),
    ):
        fact = SalesOrderCreatedForWorkOrder(
            aggregate_id="ORD-1",
            workorder_id=workorder,
            workorder_snapshot_id=snapshot,
            **about_order,
        )
        with pytest.raises(DomainError) as refused:
            await acknowledged(uow, fact)
        assert refused.value.code == code
