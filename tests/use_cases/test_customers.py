"""Customer and vehicle use cases on the in-memory unit of work: the rules a clerk meets
at the counter, their codes and fields, and the events each change records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from domain.clock import ManualClock
from domain.customers import CustomerCreated, CustomerUpdated, VehicleRegistered, VehicleUpdated
from domain.errors import DomainError
from domain.paging import PageRequest
from resolvers.customers import use_cases
from tests.use_cases.conftest import TENANT
from tests.use_cases.fakes import Database, FakeUnitOfWork
from tests.use_cases.outcomes import refusal, with_ids_of

Units = Callable[[], FakeUnitOfWork]
VIN = "1HGBH41JXMN109186"
OTHER_VIN = "2T1BURHE0JC014321"


async def test_a_registered_customer_takes_the_next_id_and_records_its_creation(
    uow: Units, clock: ManualClock, database: Database
) -> None:
    created = await use_cases.create_customer(
        uow, clock, {"name": "Dana Scully", "email": "dana@fbi.test"}
    )
    assert (created.id, created.version, created.created_at) == ("CUST-001", 1, clock.now())
    assert database.outbox == with_ids_of(
        database.outbox,
        [
            CustomerCreated(
                aggregate_id="CUST-001",
                tenant_id=TENANT,
                occurred_at=clock.now(),
                party_id=None,
                name="Dana Scully",
                email="dana@fbi.test",
                phone=None,
                billing_terms_id=None,
                version=1,
            )
        ],
    )


async def test_ids_come_from_the_series_and_a_taken_id_is_refused(
    uow: Units, clock: ManualClock
) -> None:
    ids = [(await use_cases.create_customer(uow, clock, {"name": "A"})).id for _ in range(2)]
    assert ids == ["CUST-001", "CUST-002"]
    with pytest.raises(DomainError) as refused:
        await use_cases.create_customer(uow, clock, {"id": "CUST-002", "name": "Dup"})
    assert refusal(refused) == [("DUPLICATE_ID", "customerId")]
    await use_cases.create_customer(uow, clock, {"id": "CUST-004", "name": "Own id"})
    later = [(await use_cases.create_customer(uow, clock, {"name": "B"})).id for _ in range(2)]
    assert later == ["CUST-003", "CUST-005"]


async def test_every_bad_field_of_a_customer_form_is_refused_and_nothing_is_saved(
    uow: Units, clock: ManualClock, database: Database
) -> None:
    with pytest.raises(DomainError) as refused:
        await use_cases.create_customer(uow, clock, {"name": "", "email": "x@", "phone": "call me"})
    assert refusal(refused) == [
        ("BAD_USER_INPUT", "name"),
        ("BAD_USER_INPUT", "email"),
        ("BAD_USER_INPUT", "phone"),
    ]
    assert (database.tables, database.outbox) == ({}, [])


async def test_an_edit_records_the_customer_at_its_next_version_at_the_clocks_instant(
    uow: Units, clock: ManualClock, database: Database
) -> None:
    await use_cases.create_customer(uow, clock, {"name": "Dana Scully", "phone": "555 0100"})
    clock.advance(timedelta(minutes=5))
    edited = await use_cases.update_customer(
        uow, clock, "CUST-001", 1, {"email": "dana@fbi.test", "phone": None}
    )
    assert (edited.name, edited.email, edited.phone, edited.version) == (
        "Dana Scully",
        "dana@fbi.test",
        None,
        2,
    )
    assert database.outbox[1:] == with_ids_of(
        database.outbox[1:],
        [
            CustomerUpdated(
                aggregate_id="CUST-001",
                tenant_id=TENANT,
                occurred_at=clock.now(),
                party_id=None,
                name="Dana Scully",
                email="dana@fbi.test",
                phone=None,
                billing_terms_id=None,
                version=2,
            )
        ],
    )


async def test_a_stale_version_is_a_version_conflict_and_keeps_the_newer_edit(
    uow: Units, clock: ManualClock, database: Database
) -> None:
    await use_cases.create_customer(uow, clock, {"name": "Dana Scully"})
    await use_cases.update_customer(uow, clock, "CUST-001", 1, {"email": "dana@fbi.test"})
    published = list(database.outbox)
    with pytest.raises(DomainError) as refused:
        await use_cases.update_customer(uow, clock, "CUST-001", 1, {"name": "Stale Edit"})
    assert refusal(refused) == [("VERSION_CONFLICT", "version")]
    current = await use_cases.customer(uow, "CUST-001")
    assert (current.name, current.email, current.version) == ("Dana Scully", "dana@fbi.test", 2)
    assert database.outbox == published, "a refused edit records nothing"


async def test_an_edit_that_breaks_a_rule_changes_nothing(
    uow: Units, clock: ManualClock, database: Database
) -> None:
    await use_cases.create_customer(uow, clock, {"name": "Dana Scully"})
    with pytest.raises(DomainError) as refused:
        await use_cases.update_customer(uow, clock, "CUST-001", 1, {"email": "nope"})
    assert refusal(refused) == [("BAD_USER_INPUT", "email")]
    current = await use_cases.customer(uow, "CUST-001")
    assert (current.email, current.version, len(database.outbox)) == (None, 1, 1)


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda uow, clock: use_cases.customer(uow, "CUST-404"), "customerId"),
        (
            lambda uow, clock: use_cases.update_customer(uow, clock, "CUST-404", 1, {}),
            "customerId",
        ),
        (lambda uow, clock: use_cases.vehicle(uow, "VEH-404"), "vehicleId"),
        (lambda uow, clock: use_cases.update_vehicle(uow, clock, "VEH-404", 1, {}), "vehicleId"),
    ],
)
async def test_an_unknown_customer_or_vehicle_is_not_found_naming_its_id(
    uow: Units, clock: ManualClock, call: Callable[..., Any], expected: str
) -> None:
    with pytest.raises(DomainError) as refused:
        await call(uow, clock)
    code = "CUSTOMER_NOT_FOUND" if expected == "customerId" else "VEHICLE_NOT_FOUND"
    assert refusal(refused) == [(code, expected)]


async def test_another_tenants_customer_is_not_found(
    uow: Units, stranger: Units, clock: ManualClock
) -> None:
    await use_cases.create_customer(uow, clock, {"name": "Dana Scully"})
    with pytest.raises(DomainError) as refused:
        await use_cases.customer(stranger, "CUST-001")
    assert refusal(refused) == [("CUSTOMER_NOT_FOUND", "customerId")]
    assert (await use_cases.create_customer(stranger, clock, {"name": "Theirs"})).id == "CUST-001"


async def test_a_vehicle_is_registered_with_its_vin_upper_cased_and_recorded(
    uow: Units, clock: ManualClock, database: Database
) -> None:
    owner = await use_cases.create_customer(uow, clock, {"name": "Dana Scully"})
    vehicle = await use_cases.create_vehicle(
        uow, clock, {"customer_id": owner.id, "vin": VIN.lower(), "license_plate": "X-FILES"}
    )
    assert (vehicle.id, vehicle.vin) == ("VEH-001", VIN)
    assert database.outbox[1:] == with_ids_of(
        database.outbox[1:],
        [
            VehicleRegistered(
                aggregate_id="VEH-001",
                tenant_id=TENANT,
                occurred_at=clock.now(),
                customer_id=owner.id,
                vin=VIN,
                unit_number=None,
                description=None,
                license_plate="X-FILES",
                version=1,
            )
        ],
    )


async def test_a_vin_with_i_o_or_q_is_refused_naming_the_field(
    uow: Units, clock: ManualClock, database: Database
) -> None:
    owner = await use_cases.create_customer(uow, clock, {"name": "Dana Scully"})
    with pytest.raises(DomainError) as refused:
        await use_cases.create_vehicle(
            uow, clock, {"customer_id": owner.id, "vin": "1HGBH41JXMN10918O"}
        )
    assert refusal(refused) == [("BAD_USER_INPUT", "vin")]
    assert "except I, O and Q" in refused.value.message
    assert len(database.outbox) == 1, "only the customer's creation"


async def test_a_vin_is_registered_once_per_tenant(
    uow: Units, stranger: Units, clock: ManualClock
) -> None:
    owner = await use_cases.create_customer(uow, clock, {"name": "Dana Scully"})
    first = await use_cases.create_vehicle(uow, clock, {"customer_id": owner.id, "vin": VIN})
    with pytest.raises(DomainError) as refused:
        await use_cases.create_vehicle(uow, clock, {"customer_id": owner.id, "vin": VIN.lower()})
    assert refusal(refused) == [("DUPLICATE_VIN", "vin")]
    assert first.id in refused.value.message
    theirs = await use_cases.create_customer(stranger, clock, {"name": "Fox Mulder"})
    await use_cases.create_vehicle(stranger, clock, {"customer_id": theirs.id, "vin": VIN})


async def test_a_vehicle_for_an_unknown_customer_is_customer_not_found(
    uow: Units, clock: ManualClock, database: Database
) -> None:
    with pytest.raises(DomainError) as refused:
        await use_cases.create_vehicle(uow, clock, {"customer_id": "CUST-404", "vin": VIN})
    assert refusal(refused) == [("CUSTOMER_NOT_FOUND", "customerId")]
    assert (database.tables, database.outbox) == ({}, [])


async def test_a_vehicle_moved_to_another_owner_or_vin_is_checked_like_a_new_one(
    uow: Units, clock: ManualClock, database: Database
) -> None:
    owner = await use_cases.create_customer(uow, clock, {"name": "Dana Scully"})
    await use_cases.create_vehicle(uow, clock, {"customer_id": owner.id, "vin": VIN})
    await use_cases.create_vehicle(uow, clock, {"customer_id": owner.id, "vin": OTHER_VIN})
    with pytest.raises(DomainError) as refused:
        await use_cases.update_vehicle(uow, clock, "VEH-002", 1, {"customer_id": "CUST-404"})
    assert refusal(refused) == [("CUSTOMER_NOT_FOUND", "customerId")]
    with pytest.raises(DomainError) as refused:
        await use_cases.update_vehicle(uow, clock, "VEH-002", 1, {"vin": VIN})
    assert refusal(refused) == [("DUPLICATE_VIN", "vin")]
    assert "VEH-001" in refused.value.message
    published = len(database.outbox)
    clock.advance(timedelta(hours=1))
    moved = await use_cases.update_vehicle(uow, clock, "VEH-002", 1, {"unit_number": "U-7"})
    assert (moved.unit_number, moved.vin, moved.version) == ("U-7", OTHER_VIN, 2)
    assert database.outbox[published:] == with_ids_of(
        database.outbox[published:],
        [
            VehicleUpdated(
                aggregate_id="VEH-002",
                tenant_id=TENANT,
                occurred_at=clock.now(),
                customer_id=owner.id,
                vin=OTHER_VIN,
                unit_number="U-7",
                description=None,
                license_plate=None,
                version=2,
            )
        ],
    )
    with pytest.raises(DomainError) as refused:
        await use_cases.update_vehicle(uow, clock, "VEH-002", 1, {"unit_number": "U-8"})
    assert refusal(refused) == [("VERSION_CONFLICT", "version")]


async def test_a_page_knows_whether_another_follows_and_counts_only_when_asked(
    uow: Units, clock: ManualClock
) -> None:
    for name in ("Cy", "Al", "Bo"):
        await use_cases.create_customer(uow, clock, {"name": name})
    page = await use_cases.search_customers(uow, None, PageRequest(page_index=0, page_size=2))
    assert ([c.name for c in page.items], page.has_next_page) == (["Al", "Bo"], True)
    assert await page.count_total() == 3
    last = await use_cases.search_customers(uow, None, PageRequest(page_index=1, page_size=2))
    assert ([c.name for c in last.items], last.has_next_page) == (["Cy"], False)


async def test_a_customers_vehicles_are_batched_for_the_loaders(
    uow: Units, clock: ManualClock
) -> None:
    owner = await use_cases.create_customer(uow, clock, {"name": "Dana Scully"})
    await use_cases.create_vehicle(uow, clock, {"customer_id": owner.id, "vin": VIN})
    found = await use_cases.customers_by_id(uow, ["CUST-404", owner.id])
    assert [c.id if c else None for c in found] == [None, owner.id]
    owned = await use_cases.vehicles_by_customer(uow, [owner.id, "CUST-404"])
    assert [[v.id for v in vehicles] for vehicles in owned] == [["VEH-001"], []]
