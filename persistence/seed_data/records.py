"""Table rows for seeded records, each made from a random source and a record number.

The same (random source, number) always gives the same row, which is what makes the
demo data set and the benchmark volume reproducible.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from persistence.seed_data.vin import make_vin
from persistence.seed_data.vocabulary import (
    AVAILABILITY,
    BILLING_TERMS,
    CATEGORIES,
    COMPANY_SUFFIXES,
    EMAIL_DOMAINS,
    FIRST_NAMES,
    FLEET_NAMES,
    LAST_NAMES,
    MODEL_YEARS,
    MODELS,
    PLATE_LETTERS,
    ServiceKind,
)

Row = dict[str, Any]
CENT = Decimal("0.01")

TAX_CODES = (
    ("TAXABLE_GOODS", "Taxable parts and materials", Decimal("0.08"), ["PART"]),
    ("LABOR_TAXABLE", "Taxable labor services", Decimal("0.06"), ["LABOR", "SERVICE"]),
    ("TAX_EXEMPT", "Tax-exempt items", Decimal("0.00"), ["PART", "LABOR", "SERVICE", "FEE"]),
)
SIGNATURE_TERMS = "By signing below, you authorize the work described in this estimate..."
CLICK_CONFIRM_TERMS = (
    "By confirming, you authorize the work described in this estimate at the prices shown. "
    "Additional work needs your further approval."
)
TERMS_VERSION = "2024-01-01"


def customer_row(rng: random.Random, tenant: str, number: int) -> Row:
    """A private customer, or now and then a fleet business (they own more vehicles)."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    if rng.random() < 0.15:
        name = f"{rng.choice(FLEET_NAMES)} {rng.choice(COMPANY_SUFFIXES)}"
        mailbox = f"fleet{number}"
    else:
        name = f"{first} {last}"
        mailbox = f"{first}.{last}{number}".lower()
    return {
        "tenant_id": tenant,
        "id": f"CUST-{number:03d}",
        "party_id": f"PARTY-{number:03d}",
        "name": name,
        "email": f"{mailbox}@{rng.choice(EMAIL_DOMAINS)}",
        "phone": f"+1-555-{rng.randint(200, 999)}-{rng.randint(0, 9999):04d}",
        "billing_terms_id": rng.choice(BILLING_TERMS),
    }


def vehicle_row(rng: random.Random, tenant: str, number: int, customer_id: str, plants: str) -> Row:
    model = rng.choice(MODELS)
    year = rng.choice(MODEL_YEARS)
    plate = "".join(rng.choice(PLATE_LETTERS) for _ in range(3))
    return {
        "tenant_id": tenant,
        "id": f"VEH-{number:03d}",
        "customer_id": customer_id,
        "vin": make_vin(rng, model.wmi, year, number, plants),
        "unit_number": f"FLEET-{number:03d}" if rng.random() < 0.3 else None,
        "description": f"{year} {model.make} {model.name} {rng.choice(model.trims)}",
        "license_plate": f"{plate}-{rng.randint(1000, 9999)}",
    }


def category_rows(tenant: str) -> list[Row]:
    return [{"tenant_id": tenant, "id": c.id, "name": c.name} for c in CATEGORIES]


def part_row(rng: random.Random, tenant: str, number: int) -> Row:
    """A branded part; its SKU carries the record number, so SKUs never repeat."""
    category = rng.choice(CATEGORIES)
    kind, low, high = rng.choice(category.part_kinds)
    brand = rng.choice(category.brands)
    price = (Decimal(rng.randint(low * 100, high * 100)) * CENT).quantize(CENT)
    return {
        "tenant_id": tenant,
        "id": f"PART-{number:03d}",
        "sku": f"{category.sku_prefix}-{number:06d}",
        "name": f"{brand} {kind}",
        "description": f"{brand} {kind.lower()} for {rng.choice(MODELS).make} vehicles",
        "unit_price": price,
        "currency_uom_id": "USD",
        "tax_code": "TAXABLE_GOODS",
        "availability": rng.choice(AVAILABILITY),
        "category_id": category.id,
    }


def service_row(tenant: str, number: int, kind: ServiceKind, variant: str | None) -> Row:
    """A catalog service; `variant` (a vehicle model) tells apart services of one kind."""
    return {
        "tenant_id": tenant,
        "id": f"SVC-{number:03d}",
        "name": f"{kind.name} ({variant})" if variant else kind.name,
        "description": kind.description,
        "pricing_model": kind.pricing_model,
        "labor_units": kind.labor_units,
        "unit_rate": kind.unit_rate,
        "currency_uom_id": "USD",
        "tax_code": "TAX_EXEMPT" if kind.unit_rate == 0 else "LABOR_TAXABLE",
        "category": kind.category,
    }


def location_row(tenant: str, location_id: str, name: str, time_zone: str) -> Row:
    return {
        "tenant_id": tenant,
        "id": location_id,
        "name": name,
        "currency_uom_id": "USD",
        "time_zone": time_zone,
    }


def tax_code_rows(tenant: str, location_id: str) -> list[Row]:
    """The seed's three tax codes, configured for one location."""
    return [
        {
            "tenant_id": tenant,
            "location_id": location_id,
            "tax_code": code,
            "description": description,
            "rate": rate,
            "applicable_item_types": item_types,
        }
        for code, description, rate, item_types in TAX_CODES
    ]


def signature_policy_row(tenant: str, location_id: str) -> Row:
    """The seed's LOC-001 policy: signature required, terms of 2024-01-01, valid 7 days."""
    return {
        "tenant_id": tenant,
        "location_id": location_id,
        "approval_method": "SIGNATURE",
        "require_signature": True,
        "legal_terms_text": SIGNATURE_TERMS,
        "legal_terms_version": TERMS_VERSION,
        "expires_in_days": 7,
    }


def default_policy_row(tenant: str) -> Row:
    """The tenant's default, for locations without their own: click to confirm, 14 days."""
    return {
        "tenant_id": tenant,
        "location_id": None,
        "approval_method": "CLICK_CONFIRM",
        "require_signature": False,
        "legal_terms_text": CLICK_CONFIRM_TERMS,
        "legal_terms_version": TERMS_VERSION,
        "expires_in_days": 14,
    }
