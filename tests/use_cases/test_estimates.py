"""Estimate use cases on the in-memory unit of work: a quote from its first line to the
customer's decision and its revisions; every refusal with its code, storing nothing and
recording nothing; the exact facts and audit records each decision leaves."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import fields, replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from domain.catalog import PricingModel
from domain.clock import ManualClock
from domain.errors import DomainError
from domain.estimates import (
    AuditAction,
    AuditEventType,
    AuditRecord,
    Discount,
    Estimate,
    EstimateItem,
    EstimateStatus,
    EstimateStatusChanged,
    QuoteApproved,
)
from domain.estimates.events import EVENTS
from domain.estimates.totals import LineTotal
from domain.events import DomainEvent
from domain.identity import Permission, Principal
from domain.locations import ApprovalMethod
from domain.tax import ItemType
from resolvers.catalog import use_cases as catalog
from resolvers.customers import use_cases as customers
from resolvers.estimates import decisions, editing
from resolvers.locations.use_cases import set_approval_policy
from tests.use_cases.conftest import STRANGER, TENANT
from tests.use_cases.fakes import Database, FakeUnitOfWork
from tests.use_cases.fakes.estimates import AUDIT_EVENTS
from tests.use_cases.outcomes import refusal, with_ids_of
from tests.use_cases.tax_codes import EXEMPT, GOODS, LABOR, location_with_codes

Units = Callable[[], FakeUnitOfWork]
S = EstimateStatus
LOCATION = "LOC-001"
PRICING = frozenset({Permission.ESTIMATE_WRITE, Permission.ESTIMATE_APPROVE})
CLERK = Principal("clerk-1", TENANT, PRICING)
ADVISOR = Principal("advisor-2", TENANT, PRICING)
MANAGER = Principal(
    "manager-3",
    TENANT,
    PRICING | {Permission.ESTIMATE_OVERRIDE_PRICE, Permission.ESTIMATE_ADD_NON_CATALOG_PART},
)
OUTSIDER = Principal("clerk-9", STRANGER, MANAGER.permissions)
POLICY = {
    "location_id": LOCATION,
    "approval_method": ApprovalMethod.CLICK_CONFIRM,
    "legal_terms_text": "By signing below, you authorize the work described.",
    "legal_terms_version": "2024-01-01",
    "expires_in_days": 7,
}
PARTS = (
    {
        "id": "PART-001",
        "sku": "BRK-PAD-F",
        "name": "Front Brake Pad Set",
        "description": "OEM replacement brake pads for front axle",
        "unit_price": Decimal("89.99"),
        "tax_code": "TAXABLE_GOODS",
    },
    {"id": "PART-002", "sku": "WIPER", "name": "Wiper blade", "unit_price": Decimal("12.50")},
)
SERVICES = (
    {
        "id": "SVC-001",
        "name": "Brake Inspection",
        "description": "Visual inspection of brake pads, rotors, and calipers",
        "pricing_model": PricingModel.FLAT_RATE,
        "labor_units": Decimal("0.5"),
        "unit_rate": Decimal("120.00"),
        "tax_code": "LABOR_TAXABLE",
        "category": "INSPECTION",
    },
    {
        "id": "SVC-002",
        "name": "Brake pad replacement labor",
        "pricing_model": PricingModel.TIME_BASED,
        "labor_units": Decimal("0.5"),
        "unit_rate": Decimal("120.00"),
        "tax_code": "LABOR_TAXABLE",
        "category": "LABOR",
    },
)

Refusal = list[tuple[str, str | None]]
Change = Callable[[Units, ManualClock, Principal, str, int], Awaitable[Any]]


@pytest.fixture
async def shop(uow: Units, clock: ManualClock) -> None:
    """Seed 001's shop: LOC-001 taxed as the pricing contract, with its own 7-day
    CLICK_CONFIRM policy; PART-001 (89.99, TAXABLE_GOODS) and an untaxed wiper;
    SVC-001 (FLAT_RATE 120.00) and SVC-002 (TIME_BASED, 0.5 x 120.00); CUST-001
    owning VEH-001 and CUST-002 owning VEH-002."""
    await location_with_codes(uow, LOCATION, (GOODS, LABOR, EXEMPT))
    await set_approval_policy(uow, POLICY, None)
    for part in PARTS:
        await catalog.create_part(uow, part)
    for service in SERVICES:
        await catalog.create_service(uow, service)
    for name, vin in (("John Doe", "1HGBH41JXMN109186"), ("Jane Roe", "2HGBH41JXMN109187")):
        owner = await customers.create_customer(uow, clock, {"name": name})
        await customers.create_vehicle(uow, clock, {"customer_id": owner.id, "vin": vin})


async def draft(
    uow: Units,
    clock: ManualClock,
    *,
    customer: str = "CUST-001",
    vehicle: str = "VEH-001",
    location: str = LOCATION,
    estimate_id: str | None = None,
) -> Estimate:
    return await editing.create_estimate(
        uow, clock, CLERK, customer, vehicle, location, estimate_id
    )


async def seed_estimate(uow: Units, clock: ManualClock, location: str = LOCATION) -> Estimate:
    """Seed 001's example: the brake pads (89.99) and half an hour of labor at 120.00."""
    estimate = await draft(uow, clock, location=location)
    estimate = await editing.add_part(
        uow, CLERK, estimate.id, estimate.version, Decimal(1), product_id="PART-001"
    )
    return await editing.add_service(uow, estimate.id, estimate.version, "SVC-002")


async def submitted(uow: Units, clock: ManualClock) -> Estimate:
    estimate = await seed_estimate(uow, clock)
    return await decisions.submit_estimate(uow, clock, CLERK, estimate.id, estimate.version)


def stored(database: Database) -> tuple[object, ...]:
    """Everything a use case could leave behind: rows, outbox, numbers taken."""
    tables = {table: dict(rows) for table, rows in database.tables.items()}
    return tables, list(database.outbox), dict(database.series)


async def refused(database: Database, change: Awaitable[Any]) -> Refusal:
    """The codes and fields `change` is refused with, once it is seen to have stored
    nothing, recorded no event and taken no number."""
    before = stored(database)
    with pytest.raises(DomainError) as error:
        await change
    assert stored(database) == before
    return refusal(error)


def shown(estimate: Estimate) -> dict[str, Any]:
    """What a client reads of an estimate (the aggregate itself compares by identity)."""
    return {
        f.name: getattr(estimate, f.name)
        for f in fields(estimate)
        if f.name not in ("events", "audit_records")
    }


def estimate_events(database: Database) -> list[DomainEvent]:
    """What the outbox holds of estimates (the shop's set-up records its own facts)."""
    return [e for e in database.outbox if isinstance(e, EVENTS)]


def audit_trail(database: Database) -> list[AuditRecord]:
    """The stored audit records, their generated ids blanked (compare them apart)."""
    return [replace(record, audit_event_id="") for record in stored_audit(database)]


def stored_audit(database: Database) -> list[AuditRecord]:
    trail = database.committed(AUDIT_EVENTS, TENANT)
    return [trail[key] for key in sorted(trail)]


def status_changed(
    estimate: Estimate,
    previous: S | None,
    new: S,
    clock: ManualClock,
    by: Principal = CLERK,
) -> EstimateStatusChanged:
    return EstimateStatusChanged(
        aggregate_id=estimate.id,
        tenant_id=TENANT,
        occurred_at=clock.now(),
        number=estimate.number,
        revision=estimate.revision,
        previous_status=previous,
        new_status=new,
        location_id=LOCATION,
        customer_id="CUST-001",
        grand_total=estimate.totals.grand_total,
        previous_estimate_id=estimate.previous_id,
        changed_by=by.user_id,
    )


def audited(
    estimate_id: str,
    kind: AuditEventType,
    action: AuditAction,
    clock: ManualClock,
    by: Principal = CLERK,
    audit_event_id: str = "",
    **metadata: Any,
) -> AuditRecord:
    return AuditRecord(
        kind,
        estimate_id,
        by.user_id,
        action,
        metadata,
        clock.now(),
        audit_event_id=audit_event_id,
    )


# Opening a draft


async def test_drafts_take_the_tenants_next_numbers_start_empty_and_record_nothing(
    uow: Units, clock: ManualClock, database: Database, shop: None
) -> None:
    first = await draft(uow, clock)
    second = await draft(uow, clock, customer="CUST-002", vehicle="VEH-002")
    assert [(e.id, e.number, e.status, e.revision, e.version) for e in (first, second)] == [
        ("EST-001", "EST-001", S.DRAFT, 1, 1),
        ("EST-002", "EST-002", S.DRAFT, 1, 1),
    ]
    read = await editing.estimate(uow, "EST-001")
    assert (read.customer_id, read.vehicle_id, read.location_id, read.created_by) == (
        "CUST-001",
        "VEH-001",
        LOCATION,
        "clerk-1",
    )
    assert (read.items, read.totals.grand_total, read.currency_uom_id) == ((), Decimal(0), "USD")
    assert (read.created_at, read.policy, read.expires_at) == (clock.now(), None, None)
    assert (estimate_events(database), audit_trail(database)) == ([], [])


async def test_a_chosen_number_is_kept_and_a_taken_one_is_duplicate_id(
    uow: Units, clock: ManualClock, database: Database, shop: None
) -> None:
    await draft(uow, clock)
    chosen = await draft(uow, clock, estimate_id="EST-002")
    assert (chosen.id, chosen.number) == ("EST-002", "EST-002")
    assert await refused(database, draft(uow, clock, estimate_id="EST-001")) == [
        ("DUPLICATE_ID", "estimateId")
    ]
    assert (await draft(uow, clock)).id == "EST-003", "the series skips a number taken"


async def test_a_draft_for_unknown_parties_or_another_customers_vehicle_is_refused(
    uow: Units, clock: ManualClock, database: Database, shop: None
) -> None:
    for parties, expected in (
        ({"customer": "CUST-404"}, ("CUSTOMER_NOT_FOUND", "customerId")),
        ({"vehicle": "VEH-404"}, ("VEHICLE_NOT_FOUND", "vehicleId")),
        ({"location": "LOC-404"}, ("LOCATION_NOT_FOUND", "locationId")),
        ({"vehicle": "VEH-002"}, ("VEHICLE_NOT_OWNED", "vehicleId")),
    ):
        assert await refused(database, draft(uow, clock, **parties)) == [expected], parties
    with pytest.raises(DomainError) as not_owned:
        await draft(uow, clock, vehicle="VEH-002")
    assert "belongs to customer 'CUST-002'" in not_owned.value.message
    assert (await draft(uow, clock)).id == "EST-001", "a refused draft takes no number"


# Lines and discount


async def test_a_catalog_part_is_priced_and_taxed_from_the_catalog(
    uow: Units, clock: ManualClock, shop: None
) -> None:
    estimate = await draft(uow, clock)
    estimate = await editing.add_part(
        uow, CLERK, estimate.id, 1, Decimal(2), product_id="PART-001", unit_price=Decimal("89.99")
    )
    assert estimate.items == (
        EstimateItem(
            item_id="ITEM-001",
            item_type=ItemType.PART,
            description="OEM replacement brake pads for front axle",
            quantity=Decimal(2),
            unit_price=Decimal("89.99"),
            tax_code="TAXABLE_GOODS",
            catalog_id="PART-001",
        ),
    ), "the catalog's own price is no override"
    assert estimate.totals.lines == (
        LineTotal("ITEM-001", Decimal("179.98"), Decimal("0.00"), Decimal("14.40")),
    )
    assert (estimate.totals.subtotal_materials, estimate.totals.grand_total) == (
        Decimal("179.98"),
        Decimal("194.38"),
    )
    assert estimate.version == 2
    assert shown(await editing.estimate(uow, estimate.id)) == shown(estimate)


async def test_another_price_for_a_catalog_part_needs_the_override_permission(
    uow: Units, clock: ManualClock, database: Database, shop: None
) -> None:
    """Checked by the aggregate (domain/estimates/items.py `part_item`), so a use case
    called with a principal lacking it is refused whoever calls it."""
    estimate = await draft(uow, clock)

    def charging(by: Principal) -> Awaitable[Estimate]:
        return editing.add_part(
            uow, by, estimate.id, 1, Decimal(1), product_id="PART-001", unit_price=Decimal(80)
        )

    assert await refused(database, charging(CLERK)) == [("FORBIDDEN", "unitPrice")]
    overridden = await charging(MANAGER)
    [line] = overridden.items
    assert (line.unit_price, line.price_overridden, overridden.totals.lines[0].tax_amount) == (
        Decimal("80.00"),
        True,
        Decimal("6.40"),
    )


async def test_a_part_not_in_the_catalog_needs_its_price_and_its_permission(
    uow: Units, clock: ManualClock, database: Database, shop: None
) -> None:
    estimate = await draft(uow, clock)

    def sourcing(by: Principal, **fields: Any) -> Awaitable[Estimate]:
        line = {"description": "Sourced caliper bolt", "tax_code": "TAXABLE_GOODS", **fields}
        return editing.add_part(uow, by, estimate.id, 1, Decimal(4), **line)

    assert await refused(database, sourcing(MANAGER)) == [("BAD_USER_INPUT", "unitPrice")]
    assert await refused(database, sourcing(CLERK, unit_price=Decimal("4.25"))) == [
        ("FORBIDDEN", "productId")
    ]
    assert await refused(database, sourcing(MANAGER, product_id="PART-404")) == [
        ("PART_NOT_FOUND", "productId")
    ]
    sourced = await sourcing(MANAGER, unit_price=Decimal("4.25"))
    [line] = sourced.items
    assert (line.catalog_id, line.description, line.item_type) == (
        None,
        "Sourced caliper bolt",
        ItemType.PART,
    )
    assert sourced.totals.lines == (
        LineTotal("ITEM-001", Decimal("17.00"), Decimal("0.00"), Decimal("1.36")),
    )


async def test_services_are_charged_at_a_flat_rate_or_by_labor_units(
    uow: Units, clock: ManualClock, database: Database, shop: None
) -> None:
    estimate = await draft(uow, clock)
    estimate = await editing.add_service(uow, estimate.id, 1, "SVC-001")
    estimate = await editing.add_service(uow, estimate.id, 2, "SVC-002", Decimal(2))
    assert [(i.item_type, i.labor_units, i.catalog_id) for i in estimate.items] == [
        (ItemType.SERVICE, None, "SVC-001"),
        (ItemType.LABOR, Decimal("0.5"), "SVC-002"),
    ]
    assert estimate.totals.lines == (
        LineTotal("ITEM-001", Decimal("120.00"), Decimal("0.00"), Decimal("7.20")),
        LineTotal("ITEM-002", Decimal("120.00"), Decimal("0.00"), Decimal("7.20")),
    )
    assert (estimate.totals.subtotal_services, estimate.totals.grand_total) == (
        Decimal("240.00"),
        Decimal("254.40"),
    )
    assert await refused(database, editing.add_service(uow, estimate.id, 3, "SVC-404")) == [
        ("SERVICE_NOT_FOUND", "serviceId")
    ]


async def test_the_seed_estimate_totals_to_the_cent_and_follows_its_quantities_and_lines(
    uow: Units, clock: ManualClock, shop: None
) -> None:
    estimate = await seed_estimate(uow, clock)
    totals = estimate.totals
    assert (totals.subtotal_materials, totals.subtotal_services, totals.tax_total) == (
        Decimal("89.99"),
        Decimal("60.00"),
        Decimal("10.80"),
    )
    assert (totals.grand_total, totals.item_count, estimate.version) == (Decimal("160.79"), 2, 3)

    estimate = await editing.update_item_quantity(uow, estimate.id, 3, "ITEM-001", Decimal(2))
    assert (estimate.items[0].quantity, estimate.totals.subtotal_materials) == (
        Decimal(2),
        Decimal("179.98"),
    )
    assert estimate.totals.tax_total == Decimal("18.00")  # 14.40 + 3.60

    estimate = await editing.remove_item(uow, estimate.id, 4, "ITEM-002")
    assert [i.item_id for i in estimate.items] == ["ITEM-001"]
    assert (estimate.totals.grand_total, estimate.totals.item_count) == (Decimal("194.38"), 1)
    assert shown(await editing.estimate(uow, estimate.id)) == shown(estimate)


async def test_a_line_that_breaks_a_rule_or_is_not_there_is_refused(
    uow: Units, clock: ManualClock, database: Database, shop: None
) -> None:
    estimate = await seed_estimate(uow, clock)
    version = estimate.version
    for change, expected in (
        (
            editing.update_item_quantity(uow, estimate.id, version, "ITEM-001", Decimal(0)),
            ("BAD_USER_INPUT", "quantity"),
        ),
        (
            editing.update_item_quantity(uow, estimate.id, version, "ITEM-001", Decimal("1.0005")),
            ("BAD_USER_INPUT", "quantity"),
        ),
        (
            editing.update_item_quantity(uow, estimate.id, version, "ITEM-9", Decimal(1)),
            ("ITEM_NOT_FOUND", "itemId"),
        ),
        (
            editing.add_part(uow, CLERK, estimate.id, version, Decimal(-2), product_id="PART-001"),
            ("BAD_USER_INPUT", "quantity"),
        ),
        (
            editing.add_part(
                uow,
                MANAGER,
                estimate.id,
                version,
                Decimal(1),
                product_id="PART-001",
                unit_price=Decimal(-1),
            ),
            ("BAD_USER_INPUT", "unitPrice"),
        ),
        (editing.remove_item(uow, estimate.id, version, "ITEM-9"), ("ITEM_NOT_FOUND", "itemId")),
    ):
        assert await refused(database, change) == [expected]
    assert shown(await editing.estimate(uow, estimate.id)) == shown(estimate)


async def test_a_discount_comes_off_before_tax_as_a_percent_or_an_amount(
    uow: Units, clock: ManualClock, shop: None
) -> None:
    estimate = await seed_estimate(uow, clock)
    estimate = await editing.set_discount(uow, estimate.id, 3, Decimal(10), None)
    # 10% of 149.99 is 15.00, spread 9.00 on the pads and 6.00 on the labor, then taxed
    assert estimate.discount == Discount(percent=Decimal("10.00"))
    assert estimate.totals.lines == (
        LineTotal("ITEM-001", Decimal("89.99"), Decimal("9.00"), Decimal("6.48")),
        LineTotal("ITEM-002", Decimal("60.00"), Decimal("6.00"), Decimal("3.24")),
    )
    assert (
        estimate.totals.discount_amount,
        estimate.totals.tax_total,
        estimate.totals.grand_total,
    ) == (Decimal("15.00"), Decimal("9.72"), Decimal("144.71"))

    estimate = await editing.set_discount(uow, estimate.id, 4, None, Decimal(20))
    assert (estimate.discount, estimate.totals.discount_amount) == (
        Discount(amount=Decimal("20.00")),
        Decimal("20.00"),
    )
    estimate = await editing.set_discount(uow, estimate.id, 5, None, None)
    assert (estimate.discount, estimate.totals.grand_total) == (Discount(), Decimal("160.79"))


async def test_a_discount_above_the_subtotal_or_out_of_range_is_refused(
    uow: Units, clock: ManualClock, database: Database, shop: None
) -> None:
    estimate = await seed_estimate(uow, clock)
    for percent, amount, expected in (
        (None, Decimal(150), ("DISCOUNT_EXCEEDS_SUBTOTAL", "discountAmount")),
        (Decimal(101), None, ("BAD_USER_INPUT", "discountPercent")),
        (Decimal("10.005"), None, ("BAD_USER_INPUT", "discountPercent")),
        (None, Decimal(-1), ("BAD_USER_INPUT", "discountAmount")),
        (Decimal(5), Decimal(5), ("BAD_USER_INPUT", "discount")),
    ):
        change = editing.set_discount(uow, estimate.id, 3, percent, amount)
        assert await refused(database, change) == [expected], (percent, amount)
    exactly = await editing.set_discount(uow, estimate.id, 3, None, Decimal("149.99"))
    assert exactly.totals.grand_total == Decimal("0.00")


# Submitting


async def test_submitting_records_the_status_change_and_its_audit_record(
    uow: Units, clock: ManualClock, database: Database, shop: None
) -> None:
    estimate = await seed_estimate(uow, clock)
    clock.advance(timedelta(hours=1))
    pending = await decisions.submit_estimate(uow, clock, CLERK, estimate.id, estimate.version)

    expires = clock.now() + timedelta(days=7)
    assert (pending.status, pending.version, pending.submitted_at, pending.expires_at) == (
        S.PENDING_APPROVAL,
        4,
        clock.now(),
        expires,
    )
    assert pending.policy is not None
    assert (pending.policy.approval_method, pending.valid_until) == (
        ApprovalMethod.CLICK_CONFIRM,
        expires.date(),
    )
    assert shown(await editing.estimate(uow, pending.id)) == shown(pending)
    assert estimate_events(database) == with_ids_of(
        estimate_events(database), [status_changed(pending, S.DRAFT, S.PENDING_APPROVAL, clock)]
    )
    [record] = stored_audit(database)
    assert record == audited(
        "EST-001",
        AuditEventType.ESTIMATE_SUBMITTED,
        AuditAction.SUBMIT,
        clock,
        audit_event_id=record.audit_event_id,
        revision=1,
        grandTotal=Decimal("160.79"),
        expiresAt="2026-03-09T10:30:00Z",
    )
    assert pending.latest_audit_event_id == record.audit_event_id
    assert (await editing.estimate(uow, pending.id)).latest_audit_event_id == record.audit_event_id


async def test_an_estimate_is_submitted_under_its_locations_policy_else_the_default(
    uow: Units, clock: ManualClock, database: Database, shop: None
) -> None:
    await location_with_codes(uow, "LOC-002", (GOODS, LABOR, EXEMPT))
    branch = await seed_estimate(uow, clock, location="LOC-002")
    submit_branch = decisions.submit_estimate(uow, clock, CLERK, branch.id, branch.version)
    assert await refused(database, submit_branch) == [
        ("APPROVAL_POLICY_NOT_CONFIGURED", "locationId")
    ]

    default = await set_approval_policy(
        uow,
        {**POLICY, "location_id": None, "approval_method": "VERBAL", "expires_in_days": 14},
        None,
    )
    at_branch = await decisions.submit_estimate(uow, clock, CLERK, branch.id, branch.version)
    assert (at_branch.policy, at_branch.expires_at) == (default, clock.now() + timedelta(days=14))

    main = await seed_estimate(uow, clock)
    at_main = await decisions.submit_estimate(uow, clock, CLERK, main.id, main.version)
    assert at_main.policy is not None
    assert (at_main.policy.location_id, at_main.policy.approval_method) == (
        LOCATION,
        ApprovalMethod.CLICK_CONFIRM,
    )
    assert at_main.expires_at == clock.now() + timedelta(days=7)


async def test_an_empty_estimate_or_an_untaxed_line_cannot_be_submitted(
    uow: Units, clock: ManualClock, database: Database, shop: None
) -> None:
    empty = await draft(uow, clock)
    submit = decisions.submit_estimate(uow, clock, CLERK, empty.id, 1)
    assert await refused(database, submit) == [("EMPTY_ESTIMATE", None)]
    wiper = await editing.add_part(uow, CLERK, empty.id, 1, Decimal(1), product_id="PART-002")
    with pytest.raises(DomainError) as untaxed:
        await decisions.submit_estimate(uow, clock, CLERK, wiper.id, wiper.version)
    assert refusal(untaxed) == [("MISSING_TAX_CODE", "items[0].taxCode")]
    assert "Wiper blade" in untaxed.value.each()[0].message
    assert shown(await editing.estimate(uow, wiper.id)) == shown(wiper)
    assert (estimate_events(database), audit_trail(database)) == ([], [])


async def test_only_a_draft_is_edited_submitted_or_revised_and_only_a_pending_one_decided(
    uow: Units, clock: ManualClock, database: Database, shop: None
) -> None:
    estimate = await seed_estimate(uow, clock)
    version = estimate.version
    for decision in (
        decisions.approve_estimate(uow, clock, CLERK, estimate.id, version),
        decisions.decline_estimate(uow, clock, CLERK, estimate.id, version, "No"),
        decisions.revise_estimate(uow, clock, CLERK, estimate.id, version),
    ):
        assert await refused(database, decision) == [("INVALID_TRANSITION", "status")]

    pending = await decisions.submit_estimate(uow, clock, CLERK, estimate.id, version)
    for change in (
        editing.add_service(uow, pending.id, pending.version, "SVC-001"),
        editing.set_discount(uow, pending.id, pending.version, Decimal(5), None),
        decisions.submit_estimate(uow, clock, CLERK, pending.id, pending.version),
    ):
        with pytest.raises(DomainError) as error:
            await change
        assert refusal(error) == [("INVALID_TRANSITION", "status")]
        assert "is PENDING_APPROVAL" in error.value.message
    assert shown(await editing.estimate(uow, pending.id)) == shown(pending)


# The customer's decision


async def test_an_approval_records_the_status_change_the_approved_quote_and_the_trail(
    uow: Units, clock: ManualClock, database: Database, shop: None
) -> None:
    estimate = await seed_estimate(uow, clock)
    estimate = await editing.set_discount(uow, estimate.id, 3, Decimal(10), None)
    pending = await decisions.submit_estimate(uow, clock, CLERK, estimate.id, 4)
    submitted_at = clock.now()
    clock.advance(timedelta(days=2))
    approved = await decisions.approve_estimate(uow, clock, ADVISOR, pending.id, 5)

    assert (approved.status, approved.version) == (S.APPROVED, 6)
    assert approved.approval is not None
    assert (
        approved.approval.method,
        approved.approval.approved_by,
        approved.approval.approved_at,
        approved.approval.legal_terms_version,
        approved.approval.signature_present,
    ) == (ApprovalMethod.CLICK_CONFIRM, "advisor-2", clock.now(), "2024-01-01", False)
    assert shown(await editing.estimate(uow, approved.id)) == shown(approved)
    assert estimate_events(database)[1:] == with_ids_of(
        estimate_events(database)[1:],
        [
            status_changed(approved, S.PENDING_APPROVAL, S.APPROVED, clock, ADVISOR),
            QuoteApproved(
                aggregate_id=approved.quote_id,
                tenant_id=TENANT,
                occurred_at=clock.now(),
                quote_number="EST-001",
                total=Decimal("144.71"),
                subtotal_services=Decimal("60.00"),
                subtotal_materials=Decimal("89.99"),
                discount_percent=Decimal("10.00"),
                discount_amount=Decimal("15.00"),
                approved_at=clock.now(),
                approved_by="advisor-2",
                valid_until=(submitted_at + timedelta(days=7)).date(),
                item_count=2,
            ),
        ],
    )
    assert audit_trail(database)[1:] == [
        audited(
            "EST-001",
            AuditEventType.ESTIMATE_APPROVED,
            AuditAction.APPROVE,
            clock,
            ADVISOR,
            revision=1,
            approvalMethod="CLICK_CONFIRM",
            customerId="CUST-001",
            signaturePresent=False,
            legalTermsVersion="2024-01-01",
        )
    ]


async def test_a_signature_policy_refuses_an_approval_without_a_signature(
    uow: Units, clock: ManualClock, database: Database, shop: None
) -> None:
    await set_approval_policy(uow, {**POLICY, "approval_method": "SIGNATURE"}, 1)
    pending = await submitted(uow, clock)
    for signature in (None, "  "):
        approve = decisions.approve_estimate(
            uow, clock, CLERK, pending.id, pending.version, signature
        )
        assert await refused(database, approve) == [("SIGNATURE_REQUIRED", "signature")]

    approved = await decisions.approve_estimate(
        uow, clock, CLERK, pending.id, pending.version, "data:image/png;base64,iVBOR"
    )
    assert approved.approval is not None
    assert (approved.approval.method, approved.approval.signature_present) == (
        ApprovalMethod.SIGNATURE,
        True,
    )
    assert audit_trail(database)[-1].metadata["signaturePresent"] is True


async def test_an_approval_follows_the_policy_the_estimate_was_submitted_under(
    uow: Units, clock: ManualClock, shop: None
) -> None:
    pending = await submitted(uow, clock)
    await set_approval_policy(uow, {**POLICY, "approval_method": "SIGNATURE"}, 1)
    approved = await decisions.approve_estimate(uow, clock, CLERK, pending.id, pending.version)
    assert approved.approval is not None
    assert approved.approval.method == ApprovalMethod.CLICK_CONFIRM


async def test_declining_needs_a_reason_keeps_it_and_records_the_decline(
    uow: Units, clock: ManualClock, database: Database, shop: None
) -> None:
    pending = await submitted(uow, clock)
    blank = decisions.decline_estimate(uow, clock, CLERK, pending.id, pending.version, " ")
    assert await refused(database, blank) == [("BAD_USER_INPUT", "reason")]

    clock.advance(timedelta(hours=3))
    declined = await decisions.decline_estimate(
        uow, clock, ADVISOR, pending.id, pending.version, "  Too expensive "
    )
    assert (declined.status, declined.decline_reason, declined.approval) == (
        S.DECLINED,
        "Too expensive",
        None,
    )
    assert estimate_events(database)[1:] == with_ids_of(
        estimate_events(database)[1:],
        [status_changed(declined, S.PENDING_APPROVAL, S.DECLINED, clock, ADVISOR)],
    )
    assert audit_trail(database)[1:] == [
        audited(
            "EST-001",
            AuditEventType.ESTIMATE_DECLINED,
            AuditAction.DECLINE,
            clock,
            ADVISOR,
            revision=1,
            reason="Too expensive",
            customerId="CUST-001",
        )
    ]
    for change in (
        decisions.approve_estimate(uow, clock, CLERK, declined.id, declined.version),
        editing.add_service(uow, declined.id, declined.version, "SVC-001"),
    ):
        with pytest.raises(DomainError) as error:
            await change
        assert refusal(error) == [("INVALID_TRANSITION", "status")]
        assert "is DECLINED" in error.value.message


async def test_a_pending_estimate_expires_with_the_clock_and_can_then_only_be_revised(
    uow: Units, clock: ManualClock, database: Database, shop: None
) -> None:
    pending = await submitted(uow, clock)
    clock.advance(timedelta(days=7) - timedelta(seconds=1))
    read = await editing.estimate(uow, pending.id)
    assert read.status_at(clock.now()) == S.PENDING_APPROVAL

    clock.advance(timedelta(seconds=1))
    read = await editing.estimate(uow, pending.id)
    assert (read.status, read.status_at(clock.now())) == (S.PENDING_APPROVAL, S.EXPIRED)
    approve = decisions.approve_estimate(uow, clock, CLERK, pending.id, pending.version)
    assert await refused(database, approve) == [("ESTIMATE_EXPIRED", "status")]

    revised = await decisions.revise_estimate(uow, clock, CLERK, pending.id, pending.version)
    assert (revised.id, revised.status_at(clock.now())) == ("EST-001-R2", S.DRAFT)
    assert audit_trail(database)[-1].metadata["previousStatus"] == "EXPIRED"


# Revisions


async def test_revising_opens_the_next_draft_with_the_same_lines_and_keeps_the_old_one(
    uow: Units, clock: ManualClock, database: Database, shop: None
) -> None:
    estimate = await seed_estimate(uow, clock)
    estimate = await editing.set_discount(uow, estimate.id, 3, None, Decimal(20))
    pending = await decisions.submit_estimate(uow, clock, CLERK, estimate.id, 4)
    clock.advance(timedelta(days=1))
    revised = await decisions.revise_estimate(uow, clock, ADVISOR, pending.id, pending.version)

    assert (revised.id, revised.number, revised.revision, revised.status, revised.version) == (
        "EST-001-R2",
        "EST-001",
        2,
        S.DRAFT,
        1,
    )
    assert (revised.previous_id, revised.created_by, revised.created_at) == (
        "EST-001",
        "advisor-2",
        clock.now(),
    )
    assert (revised.items, revised.discount, revised.totals) == (
        pending.items,
        pending.discount,
        pending.totals,
    )
    assert (revised.policy, revised.submitted_at, revised.expires_at) == (None, None, None)
    assert shown(await editing.estimate(uow, revised.id)) == shown(revised)
    old = await editing.estimate(uow, pending.id)
    assert (old.status, old.superseded_by, old.version, old.items) == (
        S.PENDING_APPROVAL,
        "EST-001-R2",
        pending.version + 1,
        pending.items,
    )
    revisions = await editing.estimate_revisions(uow, "EST-001")
    assert [(r.id, r.revision, r.status, r.superseded_by) for r in revisions] == [
        ("EST-001", 1, S.PENDING_APPROVAL, "EST-001-R2"),
        ("EST-001-R2", 2, S.DRAFT, None),
    ]
    assert estimate_events(database)[1:] == with_ids_of(
        estimate_events(database)[1:], [status_changed(revised, None, S.DRAFT, clock, ADVISOR)]
    )
    assert audit_trail(database)[1:] == [
        audited(
            "EST-001-R2",
            AuditEventType.ESTIMATE_REVISED,
            AuditAction.REVISE,
            clock,
            ADVISOR,
            revision=2,
            previousEstimateId="EST-001",
            previousStatus="PENDING_APPROVAL",
        )
    ]


async def test_a_superseded_revision_is_neither_revised_nor_decided_and_the_new_one_moves_on(
    uow: Units, clock: ManualClock, database: Database, shop: None
) -> None:
    pending = await submitted(uow, clock)
    second = await decisions.revise_estimate(uow, clock, CLERK, pending.id, pending.version)
    old = await editing.estimate(uow, pending.id)
    for decision in (
        decisions.revise_estimate(uow, clock, CLERK, old.id, old.version),
        decisions.approve_estimate(uow, clock, CLERK, old.id, old.version),
        decisions.decline_estimate(uow, clock, CLERK, old.id, old.version, "Later"),
        editing.add_service(uow, old.id, old.version, "SVC-001"),
    ):
        with pytest.raises(DomainError) as error:
            await decision
        assert refusal(error) == [("INVALID_TRANSITION", "status")]
        assert "superseded by a newer revision" in error.value.message
    assert shown(await editing.estimate(uow, old.id)) == shown(old)

    second = await decisions.submit_estimate(uow, clock, CLERK, second.id, second.version)
    declined = await decisions.decline_estimate(
        uow, clock, CLERK, second.id, second.version, "Later"
    )
    third = await decisions.revise_estimate(uow, clock, CLERK, declined.id, declined.version)
    assert (third.id, third.revision, third.previous_id) == ("EST-001-R3", 3, "EST-001-R2")
    revisions = await editing.estimate_revisions(uow, "EST-001")
    assert [(r.id, r.status, r.superseded_by) for r in revisions] == [
        ("EST-001", S.PENDING_APPROVAL, "EST-001-R2"),
        ("EST-001-R2", S.DECLINED, "EST-001-R3"),
        ("EST-001-R3", S.DRAFT, None),
    ]
    assert await refused(database, editing.estimate_revisions(uow, "EST-404")) == [
        ("ESTIMATE_NOT_FOUND", "estimateId")
    ]


# Every change: versions and tenants


CHANGES: dict[str, tuple[bool, Change]] = {
    "add a part": (
        False,
        lambda uow, clock, by, e, v: editing.add_part(
            uow, by, e, v, Decimal(1), product_id="PART-001"
        ),
    ),
    "add a service": (
        False,
        lambda uow, clock, by, e, v: editing.add_service(uow, e, v, "SVC-001"),
    ),
    "change a quantity": (
        False,
        lambda uow, clock, by, e, v: editing.update_item_quantity(
            uow, e, v, "ITEM-001", Decimal(3)
        ),
    ),
    "remove a line": (
        False,
        lambda uow, clock, by, e, v: editing.remove_item(uow, e, v, "ITEM-002"),
    ),
    "set a discount": (
        False,
        lambda uow, clock, by, e, v: editing.set_discount(uow, e, v, Decimal(5), None),
    ),
    "submit": (
        False,
        lambda uow, clock, by, e, v: decisions.submit_estimate(uow, clock, by, e, v),
    ),
    "approve": (
        True,
        lambda uow, clock, by, e, v: decisions.approve_estimate(uow, clock, by, e, v),
    ),
    "decline": (
        True,
        lambda uow, clock, by, e, v: decisions.decline_estimate(uow, clock, by, e, v, "Too dear"),
    ),
    "revise": (
        True,
        lambda uow, clock, by, e, v: decisions.revise_estimate(uow, clock, by, e, v),
    ),
}
"""Each change a client makes, and whether it needs a pending estimate (else a draft)."""


async def _ready_for(uow: Units, clock: ManualClock, pending: bool) -> Estimate:
    return await (submitted if pending else seed_estimate)(uow, clock)


@pytest.mark.parametrize(("pending", "change"), CHANGES.values(), ids=list(CHANGES))
async def test_a_stale_version_is_a_version_conflict_and_stores_nothing(
    uow: Units, clock: ManualClock, database: Database, shop: None, pending: bool, change: Change
) -> None:
    estimate = await _ready_for(uow, clock, pending)
    stale = change(uow, clock, CLERK, estimate.id, estimate.version - 1)
    assert await refused(database, stale) == [("VERSION_CONFLICT", "version")]

    await change(uow, clock, CLERK, estimate.id, estimate.version)
    assert (await editing.estimate(uow, estimate.id)).version == estimate.version + 1


@pytest.mark.parametrize(("pending", "change"), CHANGES.values(), ids=list(CHANGES))
async def test_another_tenant_cannot_change_an_estimate(
    uow: Units,
    stranger: Units,
    clock: ManualClock,
    database: Database,
    shop: None,
    pending: bool,
    change: Change,
) -> None:
    estimate = await _ready_for(uow, clock, pending)
    theirs = change(stranger, clock, OUTSIDER, estimate.id, estimate.version)
    assert await refused(database, theirs) == [("ESTIMATE_NOT_FOUND", "estimateId")]

    await change(uow, clock, CLERK, estimate.id, estimate.version)
    assert (await editing.estimate(uow, estimate.id)).version == estimate.version + 1


async def test_another_tenant_neither_sees_an_estimate_nor_drafts_for_our_customers(
    uow: Units, stranger: Units, clock: ManualClock, database: Database, shop: None
) -> None:
    estimate = await submitted(uow, clock)
    for read in (
        editing.estimate(stranger, estimate.id),
        editing.estimate_revisions(stranger, estimate.number),
    ):
        assert await refused(database, read) == [("ESTIMATE_NOT_FOUND", "estimateId")]
    theirs = editing.create_estimate(
        stranger, clock, OUTSIDER, "CUST-001", "VEH-001", LOCATION, None
    )
    assert await refused(database, theirs) == [("CUSTOMER_NOT_FOUND", "customerId")]
    assert shown(await editing.estimate(uow, estimate.id)) == shown(estimate)
