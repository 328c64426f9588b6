"""Clients racing to create records under one chosen id: exactly one wins, every other one
is told DUPLICATE_ID on the id field (never an internal error), and one record exists.

Each racer checks the id first and finds it free; the database's primary key decides.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import Api
from tests.e2e.estimate_shop import open_shop

RACERS = 12


def _vin(n: int) -> str:
    return f"1HGBH41JXMN{n:06d}"


CREATES: dict[str, tuple[str, str, Callable[[int], dict[str, Any]]]] = {
    "customer": (
        "createCustomer",
        "customerId",
        lambda n: {"customerId": "CUST-RACE", "name": f"Racer {n}"},
    ),
    "vehicle": (
        "createVehicle",
        "vehicleId",
        lambda n: {"vehicleId": "VEH-RACE", "customerId": "CUST-001", "vin": _vin(n)},
    ),
    "category": (
        "createProductCategory",
        "categoryId",
        lambda n: {"categoryId": "CAT-RACE", "name": f"Racers {n}"},
    ),
    "part": (
        "createPart",
        "productId",
        lambda n: {
            "productId": "PART-RACE",
            "sku": f"RACE-{n}",
            "name": "Racing pad",
            "unitPrice": "10.00",
        },
    ),
    "service": (
        "createService",
        "serviceId",
        lambda n: {
            "serviceId": "SVC-RACE",
            "name": "Racing fit",
            "pricingModel": "FLAT_RATE",
            "unitRate": "50.00",
            "category": "LABOR",
        },
    ),
    "location": (
        "createLocation",
        "locationId",
        lambda n: {"locationId": "LOC-RACE", "name": f"Racing shop {n}"},
    ),
    "estimate": (
        "createEstimate",
        "estimateId",
        lambda n: {
            "estimateId": "EST-RACE",
            "customerId": "CUST-001",
            "vehicleId": "VEH-001",
            "locationId": "LOC-001",
        },
    ),
    "service order": (
        "createServiceOrder",
        "serviceOrderId",
        lambda n: {
            "serviceOrderId": "SO-RACE",
            "customerId": "CUST-001",
            "vehicleId": "VEH-001",
            "locationId": "LOC-001",
            "priority": "HIGH",
            "description": f"Racer {n}",
        },
    ),
}


@pytest.mark.parametrize("kind", list(CREATES))
async def test_racing_creations_of_one_id_leave_one_record_and_duplicate_id_for_the_rest(
    api: Api, kind: str
) -> None:
    await open_shop(api)
    mutation, id_field, fields = CREATES[kind]
    input_type = f"{mutation[0].upper()}{mutation[1:]}Input"
    document = f"mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ {id_field} }} }}"
    bodies = await asyncio.gather(*(api(document, {"input": fields(n)}) for n in range(RACERS)))
    won = [b for b in bodies if not b.get("errors")]
    lost = [error for b in bodies for error in b.get("errors", [])]
    assert len(won) == 1, bodies
    assert {(e["extensions"]["code"], e["extensions"].get("field")) for e in lost} == {
        ("DUPLICATE_ID", id_field)
    }
    assert len(lost) == RACERS - 1
