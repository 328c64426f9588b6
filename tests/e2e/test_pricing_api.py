"""Tax codes and tax calculation through the API, over real HTTP: the field names, the
seed's worked example, listing and filtering (the real query), the real upsert, tenancy
and permissions. The rules are tested in tests/use_cases/test_pricing.py and
tests/unit/test_tax.py."""

from __future__ import annotations

from typing import Any

from domain.identity import Permission
from tests.conftest import Api

CREATE_LOCATION = """
mutation($input: CreateLocationInput!) { createLocation(input: $input) { locationId } }"""
UPSERT_TAX_CODE = """
mutation($input: UpsertTaxCodeInput!) {
  upsertTaxCode(input: $input) { taxCode description rate applicableItemTypes locationId version }
}"""
TAX_CODES = """
query($locationId: ID!, $itemType: ItemType) {
  taxCodes(locationId: $locationId, itemType: $itemType) {
    taxCode description rate applicableItemTypes
  }
}"""
CALCULATE_TAX = """
query($input: CalculateTaxInput!) {
  calculateTax(input: $input) {
    items { itemId taxAmount lineTotal } subtotal totalTax grandTotal currencyUomId
  }
}"""

SEED_TAX_CODES = [
    {
        "taxCode": "TAXABLE_GOODS",
        "description": "Taxable parts and materials",
        "rate": "0.08",
        "applicableItemTypes": ["PART"],
    },
    {
        "taxCode": "LABOR_TAXABLE",
        "description": "Taxable labor services",
        "rate": "0.06",
        "applicableItemTypes": ["LABOR", "SERVICE"],
    },
    {
        "taxCode": "TAX_EXEMPT",
        "description": "Tax-exempt items",
        "rate": "0",
        "applicableItemTypes": ["PART", "LABOR", "SERVICE", "FEE"],
    },
]
SEED_ITEMS = [
    {"itemId": "EST-ITEM-001", "itemType": "PART", "subtotal": 89.99, "taxCode": "TAXABLE_GOODS"},
    {"itemId": "EST-ITEM-002", "itemType": "LABOR", "subtotal": 60.00, "taxCode": "LABOR_TAXABLE"},
]


async def set_up_location(api: Api, location_id: str = "LOC-001", **fields: Any) -> None:
    await api.data(
        CREATE_LOCATION, {"input": {"locationId": location_id, "name": "Main shop", **fields}}
    )
    for code in SEED_TAX_CODES:
        await api.data(
            UPSERT_TAX_CODE, {"input": {**code, "locationId": location_id, "rate": code["rate"]}}
        )


async def test_the_seed_estimate_is_taxed_line_by_line_in_the_locations_currency(
    api: Api,
) -> None:
    await set_up_location(api)
    result = await api.data(
        CALCULATE_TAX, {"input": {"locationId": "LOC-001", "items": SEED_ITEMS}}
    )
    assert result["calculateTax"] == {
        "items": [
            {"itemId": "EST-ITEM-001", "taxAmount": "7.20", "lineTotal": "97.19"},
            {"itemId": "EST-ITEM-002", "taxAmount": "3.60", "lineTotal": "63.60"},
        ],
        "subtotal": "149.99",
        "totalTax": "10.80",
        "grandTotal": "160.79",
        "currencyUomId": "USD",
    }


async def test_a_locations_tax_codes_are_listed_and_filtered_by_item_type(api: Api) -> None:
    await set_up_location(api)
    listed = await api.data(TAX_CODES, {"locationId": "LOC-001"})
    assert listed["taxCodes"] == sorted(SEED_TAX_CODES, key=lambda code: code["taxCode"])
    labor = await api.data(TAX_CODES, {"locationId": "LOC-001", "itemType": "LABOR"})
    assert [c["taxCode"] for c in labor["taxCodes"]] == ["LABOR_TAXABLE", "TAX_EXEMPT"]
    fees = await api.data(TAX_CODES, {"locationId": "LOC-001", "itemType": "FEE"})
    assert [c["taxCode"] for c in fees["taxCodes"]] == ["TAX_EXEMPT"]


async def test_another_tenants_location_and_tax_codes_are_not_found(api: Api) -> None:
    await set_up_location(api)
    stranger = api.as_tenant(f"{api.tenant}-other")
    assert await stranger.error_codes(TAX_CODES, {"locationId": "LOC-001"}) == [
        "LOCATION_NOT_FOUND"
    ]
    taxed = {"input": {"locationId": "LOC-001", "items": SEED_ITEMS}}
    assert await stranger.error_codes(CALCULATE_TAX, taxed) == ["LOCATION_NOT_FOUND"]


async def test_upserting_a_tax_code_at_the_version_read_replaces_its_rate(api: Api) -> None:
    await set_up_location(api)
    listed = await api.data(
        'query { taxCodes(locationId: "LOC-001", itemType: PART) { taxCode version } }'
    )
    read = {c["taxCode"]: c["version"] for c in listed["taxCodes"]}["TAXABLE_GOODS"]
    changed = {**SEED_TAX_CODES[0], "locationId": "LOC-001", "rate": "0.0825"}
    assert await api.error_codes(UPSERT_TAX_CODE, {"input": changed}) == ["VERSION_CONFLICT"]
    saved = await api.data(UPSERT_TAX_CODE, {"input": {**changed, "version": read}})
    assert (saved["upsertTaxCode"]["rate"], saved["upsertTaxCode"]["version"]) == ("0.0825", 2)
    stale = {"input": {**changed, "rate": "0.5", "version": read}}
    assert await api.error_codes(UPSERT_TAX_CODE, stale) == ["VERSION_CONFLICT"]
    items = [SEED_ITEMS[0]]
    result = await api.data(CALCULATE_TAX, {"input": {"locationId": "LOC-001", "items": items}})
    assert result["calculateTax"]["totalTax"] == "7.42"


async def test_tax_needs_the_tax_permissions(api: Api) -> None:
    await set_up_location(api)
    reader = api.as_tenant(api.tenant, [Permission.TAX_READ])
    assert (await reader.data(TAX_CODES, {"locationId": "LOC-001"}))["taxCodes"]
    code = {**SEED_TAX_CODES[0], "locationId": "LOC-001"}
    assert await reader.error_codes(UPSERT_TAX_CODE, {"input": code}) == ["FORBIDDEN"]
