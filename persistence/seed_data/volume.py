"""A benchmark-sized tenant: as many customers, vehicles, parts, services and locations
as asked for, the same every time for the same plan (seeded random), written in bulk.

Records are numbered after whatever the tenant already holds, so a volume can be added
to the demo tenant or seeded twice; the naming series move past them.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection

from persistence.seed_data.records import (
    Row,
    category_rows,
    customer_row,
    default_policy_row,
    location_row,
    part_row,
    service_row,
    signature_policy_row,
    tax_code_rows,
    vehicle_row,
)
from persistence.seed_data.vocabulary import MODELS, SERVICES
from persistence.seed_data.writing import insert_rows, reserve_numbers
from persistence.tables import (
    approval_policies,
    customers,
    locations,
    parts,
    product_categories,
    services,
    tax_codes,
    vehicles,
)

VOLUME_PLANTS = "ABCDEFGH"
"""VIN plant codes of volume vehicles (8 million VINs per tenant); the demo uses others."""

CITIES = (
    ("Springfield", "America/Chicago"),
    ("Riverside", "America/Los_Angeles"),
    ("Fairview", "America/New_York"),
    ("Franklin", "America/New_York"),
    ("Greenville", "America/New_York"),
    ("Madison", "America/Chicago"),
    ("Georgetown", "America/Denver"),
    ("Salem", "America/Los_Angeles"),
)


@dataclass(frozen=True)
class VolumePlan:
    customers: int
    vehicles_per_customer: int
    parts: int
    services: int
    locations: int
    random_seed: int = 1


@dataclass(frozen=True)
class VolumeReport:
    """How many records of each kind were written, and the first id of each."""

    written: dict[str, int]
    first_ids: dict[str, str]


class _Numbering:
    """Reserves each kind's id range and remembers where it started."""

    def __init__(self, connection: AsyncConnection, tenant: str):
        self._connection = connection
        self._tenant = tenant
        self.first_ids: dict[str, str] = {}

    async def reserve(self, table: Table, prefix: str, count: int) -> range:
        first = await reserve_numbers(self._connection, table, self._tenant, prefix, count)
        if count:
            self.first_ids[table.name] = f"{prefix}-{first:03d}"
        return range(first, first + count)


async def seed_volume(connection: AsyncConnection, tenant: str, plan: VolumePlan) -> VolumeReport:
    """Write `plan`'s records into `tenant` in the caller's transaction."""
    numbering = _Numbering(connection, tenant)
    written: dict[str, int] = {}

    def rng(kind: str) -> random.Random:
        return random.Random(f"{plan.random_seed}:{kind}")

    location_numbers = await numbering.reserve(locations, "LOC", plan.locations)
    written["locations"] = await insert_rows(
        connection, locations, _locations(tenant, location_numbers)
    )
    location_ids = [f"LOC-{n:03d}" for n in location_numbers]
    written["tax_codes"] = await insert_rows(
        connection, tax_codes, [row for i in location_ids for row in tax_code_rows(tenant, i)]
    )
    written["approval_policies"] = await insert_rows(
        connection, approval_policies, [signature_policy_row(tenant, i) for i in location_ids]
    )
    await insert_rows(
        connection, approval_policies, [default_policy_row(tenant)], skip_existing=True
    )
    await insert_rows(connection, product_categories, category_rows(tenant), skip_existing=True)

    part_numbers = await numbering.reserve(parts, "PART", plan.parts)
    part_rng = rng("parts")
    written["parts"] = await insert_rows(
        connection, parts, (part_row(part_rng, tenant, n) for n in part_numbers)
    )
    service_numbers = await numbering.reserve(services, "SVC", plan.services)
    written["services"] = await insert_rows(
        connection, services, _services(rng("services"), tenant, service_numbers)
    )

    customer_numbers = await numbering.reserve(customers, "CUST", plan.customers)
    customer_rng = rng("customers")
    written["customers"] = await insert_rows(
        connection, customers, (customer_row(customer_rng, tenant, n) for n in customer_numbers)
    )
    vehicle_numbers = await numbering.reserve(
        vehicles, "VEH", plan.customers * plan.vehicles_per_customer
    )
    written["vehicles"] = await insert_rows(
        connection,
        vehicles,
        _vehicles(rng("vehicles"), tenant, customer_numbers, vehicle_numbers, plan),
    )
    return VolumeReport(written=written, first_ids=numbering.first_ids)


def _locations(tenant: str, numbers: range) -> Iterator[Row]:
    for n in numbers:
        city, zone = CITIES[(n - 1) % len(CITIES)]
        branch = (n - 1) // len(CITIES) + 1
        name = f"{city} Service Center" + (f" #{branch}" if branch > 1 else "")
        yield location_row(tenant, f"LOC-{n:03d}", name, zone)


def _services(rng: random.Random, tenant: str, numbers: range) -> Iterator[Row]:
    """The generic services first, then model-specific variants of them."""
    for index, n in enumerate(numbers):
        if index < len(SERVICES):
            yield service_row(tenant, n, SERVICES[index], None)
        else:
            model = rng.choice(MODELS)
            variant = f"{model.make} {model.name}"
            yield service_row(tenant, n, rng.choice(SERVICES), variant)


def _vehicles(
    rng: random.Random,
    tenant: str,
    customer_numbers: range,
    vehicle_numbers: range,
    plan: VolumePlan,
) -> Iterator[Row]:
    numbers = iter(vehicle_numbers)
    for customer in customer_numbers:
        for _ in range(plan.vehicles_per_customer):
            yield vehicle_row(rng, tenant, next(numbers), f"CUST-{customer:03d}", VOLUME_PLANTS)
