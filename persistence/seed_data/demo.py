"""The demo data set `gateway dev` loads into the dev tenant on its first run.

Every example record of the WorkExec seed document keeps its own id (LOC-001 with its
three tax codes and signature policy, PART-001, SVC-001, CUST-001 John Doe, VEH-001),
and enough realistic records surround them to make searching worth trying: two
locations (LOC-002 falls back to the tenant's default approval policy), 30 customers,
40 vehicles, 60 parts across all categories and 20 services.
"""

from __future__ import annotations

import random
from decimal import Decimal

from sqlalchemy import select
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
from persistence.seed_data.vocabulary import SERVICES
from persistence.seed_data.writing import advance_series, insert_rows
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

CUSTOMERS = 30
VEHICLES = 40
PARTS = 60
DEMO_PLANTS = "Z"
"""VIN plant code of demo vehicles; the benchmark volume uses others, so VINs never clash."""

SEED_LOCATION = "LOC-001"


def seed_customer(tenant: str) -> Row:
    return {
        "tenant_id": tenant,
        "id": "CUST-001",
        "party_id": "PARTY-001",
        "name": "John Doe",
        "email": "john.doe@example.com",
        "phone": "+1-555-123-4567",
        "billing_terms_id": "BT-NET30",
    }


def seed_vehicle(tenant: str) -> Row:
    return {
        "tenant_id": tenant,
        "id": "VEH-001",
        "customer_id": "CUST-001",
        "vin": "1HGBH41JXMN109186",
        "unit_number": "FLEET-001",
        "description": "2023 Honda Accord LX",
        "license_plate": "ABC-1234",
    }


def seed_part(tenant: str) -> Row:
    return {
        "tenant_id": tenant,
        "id": "PART-001",
        "sku": "BRK-PAD-F",
        "name": "Front Brake Pad Set",
        "description": "OEM replacement brake pads for front axle",
        "unit_price": Decimal("89.99"),
        "currency_uom_id": "USD",
        "tax_code": "TAXABLE_GOODS",
        "availability": "IN_STOCK",
        "category_id": "CAT-BRAKES",
    }


async def has_demo_data(connection: AsyncConnection, tenant: str) -> bool:
    """The demo set is loaded once: the seed's location LOC-001 marks that it has been."""
    statement = select(locations.c.id).where(
        locations.c.tenant_id == tenant, locations.c.id == SEED_LOCATION
    )
    return (await connection.execute(statement)).first() is not None


async def load_demo_data(connection: AsyncConnection, tenant: str) -> bool:
    """Load the demo set into `tenant` unless it is there already; True if it was loaded.

    Runs in the caller's transaction, so a failure half way leaves nothing behind.
    """
    if await has_demo_data(connection, tenant):
        return False
    rng = random.Random(f"demo:{tenant}")
    await insert_rows(
        connection,
        locations,
        [
            location_row(tenant, "LOC-001", "Downtown Service Center", "America/New_York"),
            location_row(tenant, "LOC-002", "Westside Fleet Center", "America/Chicago"),
        ],
    )
    await insert_rows(
        connection, tax_codes, tax_code_rows(tenant, "LOC-001") + tax_code_rows(tenant, "LOC-002")
    )
    await insert_rows(
        connection,
        approval_policies,
        [signature_policy_row(tenant, "LOC-001"), default_policy_row(tenant)],
    )
    await insert_rows(connection, product_categories, category_rows(tenant), skip_existing=True)
    await insert_rows(
        connection,
        parts,
        [seed_part(tenant)] + [part_row(rng, tenant, n) for n in range(2, PARTS + 1)],
    )
    await insert_rows(
        connection,
        services,
        [service_row(tenant, n, kind, None) for n, kind in enumerate(SERVICES, start=1)],
    )
    await insert_rows(
        connection,
        customers,
        [seed_customer(tenant)] + [customer_row(rng, tenant, n) for n in range(2, CUSTOMERS + 1)],
    )
    owners = [f"CUST-{(n - 2) % (CUSTOMERS - 1) + 2:03d}" for n in range(2, VEHICLES + 1)]
    await insert_rows(
        connection,
        vehicles,
        [seed_vehicle(tenant)]
        + [
            vehicle_row(rng, tenant, n, owner, DEMO_PLANTS)
            for n, owner in zip(range(2, VEHICLES + 1), owners, strict=True)
        ],
    )
    for prefix, last in (
        ("LOC", 2),
        ("PART", PARTS),
        ("SVC", len(SERVICES)),
        ("CUST", CUSTOMERS),
        ("VEH", VEHICLES),
    ):
        await advance_series(connection, tenant, prefix, last)
    return True
