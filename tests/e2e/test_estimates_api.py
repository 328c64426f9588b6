"""Drafting and pricing estimates through the API: the estimate as a client reads it (seed
001's numbers to the cent), the permissions a price override and a non-catalog part need,
and each editing mutation answering. The rules behind them (parties, refused lines and
discounts) are tested on the use cases, in tests/use_cases/test_estimates.py."""

from __future__ import annotations

from domain.identity import Permission
from tests.conftest import ALL_PERMISSIONS, Api
from tests.e2e.estimate_shop import (
    ADD_PART,
    READ,
    REMOVE_ITEM,
    SET_DISCOUNT,
    UPDATE_QUANTITY,
    draft,
    open_shop,
    run,
    seed_estimate,
)

CLERK = [
    p
    for p in ALL_PERMISSIONS
    if p not in (Permission.ESTIMATE_OVERRIDE_PRICE, Permission.ESTIMATE_ADD_NON_CATALOG_PART)
]


def codes_and_fields(body: dict) -> list[tuple[str, str | None]]:
    return [(e["extensions"]["code"], e["extensions"].get("field")) for e in body["errors"]]


async def test_a_draft_gets_the_tenants_next_number_and_starts_empty(api: Api) -> None:
    await open_shop(api)
    first = await draft(api)
    second = await draft(api)

    assert (first["estimateId"], first["estimateNumber"], second["estimateId"]) == (
        "EST-001",
        "EST-001",
        "EST-002",
    )
    assert (first["status"], first["revision"], first["version"]) == ("DRAFT", 1, 1)
    assert first["items"] == []
    assert first["totals"] == {
        "subtotalServices": "0.00",
        "subtotalMaterials": "0.00",
        "subtotal": "0.00",
        "discountAmount": "0.00",
        "taxTotal": "0.00",
        "grandTotal": "0.00",
        "itemCount": 0,
        "currencyUomId": "USD",
    }
    assert await api.error_codes(READ, {"id": "EST-404"}) == ["ESTIMATE_NOT_FOUND"]


async def test_the_seed_estimate_totals_match_the_pricing_contract_to_the_cent(api: Api) -> None:
    await open_shop(api)
    estimate = await seed_estimate(api)

    pads, labor = estimate["items"]
    assert pads == {
        "itemId": "ITEM-001",
        "itemType": "PART",
        "description": "OEM replacement brake pads for front axle",
        "quantity": "1",
        "unitPrice": "89.99",
        "taxCode": "TAXABLE_GOODS",
        "catalogId": "PART-001",
        "laborUnits": None,
        "priceOverridden": False,
        "subtotal": "89.99",
        "discount": "0.00",
        "taxAmount": "7.20",
        "lineTotal": "97.19",
    }
    assert (labor["itemType"], labor["laborUnits"], labor["subtotal"], labor["taxAmount"]) == (
        "LABOR",
        "0.50",
        "60.00",
        "3.60",
    )
    assert labor["lineTotal"] == "63.60"
    assert estimate["totals"] == {
        "subtotalServices": "60.00",
        "subtotalMaterials": "89.99",
        "subtotal": "149.99",
        "discountAmount": "0.00",
        "taxTotal": "10.80",
        "grandTotal": "160.79",
        "itemCount": 2,
        "currencyUomId": "USD",
    }
    assert estimate["version"] == 3
    assert (await api.data(READ, {"id": "EST-001"}))["estimate"] == estimate


async def test_a_price_override_needs_its_permission(api: Api) -> None:
    await open_shop(api)
    estimate = await draft(api)
    clerk = api.as_tenant(api.tenant, CLERK)
    fields = {"estimateId": "EST-001", "version": 1, "productId": "PART-001", "unitPrice": "80"}

    refused = await clerk(ADD_PART, {"input": fields})
    assert codes_and_fields(refused) == [("FORBIDDEN", "unitPrice")]
    assert Permission.ESTIMATE_OVERRIDE_PRICE in refused["errors"][0]["message"]

    estimate = await run(api, ADD_PART, **fields)
    [line] = estimate["items"]
    assert (line["unitPrice"], line["priceOverridden"], line["taxAmount"]) == (
        "80.00",
        True,
        "6.40",
    )


async def test_a_part_not_in_the_catalog_needs_its_permission(api: Api) -> None:
    await open_shop(api)
    await draft(api)
    clerk = api.as_tenant(api.tenant, CLERK)
    fields = {
        "estimateId": "EST-001",
        "version": 1,
        "description": "Sourced caliper bolt",
        "unitPrice": "4.25",
        "quantity": "4",
        "taxCode": "TAXABLE_GOODS",
    }

    refused = await clerk(ADD_PART, {"input": fields})
    assert codes_and_fields(refused) == [("FORBIDDEN", "productId")]
    missing = await api(ADD_PART, {"input": {**fields, "productId": "PART-404"}})
    assert codes_and_fields(missing) == [("PART_NOT_FOUND", "productId")]

    estimate = await run(api, ADD_PART, **fields)
    [line] = estimate["items"]
    assert (line["catalogId"], line["subtotal"], line["taxAmount"]) == (None, "17.00", "1.36")


async def test_quantities_change_and_lines_go_away_with_the_totals_following(api: Api) -> None:
    await open_shop(api)
    estimate = await seed_estimate(api)
    estimate = await run(
        api,
        UPDATE_QUANTITY,
        estimateId="EST-001",
        version=estimate["version"],
        itemId="ITEM-001",
        quantity="2",
    )
    assert estimate["totals"]["subtotalMaterials"] == "179.98"
    assert estimate["totals"]["taxTotal"] == "18.00"  # 14.40 + 3.60

    estimate = await run(
        api, REMOVE_ITEM, estimateId="EST-001", version=estimate["version"], itemId="ITEM-002"
    )
    assert [i["itemId"] for i in estimate["items"]] == ["ITEM-001"]
    assert estimate["totals"]["grandTotal"] == "194.38"
    assert estimate["totals"]["itemCount"] == 1

    missing = await api(
        REMOVE_ITEM,
        {"input": {"estimateId": "EST-001", "version": estimate["version"], "itemId": "ITEM-9"}},
    )
    assert codes_and_fields(missing) == [("ITEM_NOT_FOUND", "itemId")]


async def test_discount_comes_off_before_tax_as_a_percent_or_an_amount(api: Api) -> None:
    await open_shop(api)
    estimate = await seed_estimate(api)
    estimate = await run(
        api, SET_DISCOUNT, estimateId="EST-001", version=estimate["version"], discountPercent="10"
    )
    # 10% of 149.99 = 15.00, spread 9.00 on the pads and 6.00 on the labor, then taxed
    assert estimate["totals"] == {
        "subtotalServices": "60.00",
        "subtotalMaterials": "89.99",
        "subtotal": "149.99",
        "discountAmount": "15.00",
        "taxTotal": "9.72",
        "grandTotal": "144.71",
        "itemCount": 2,
        "currencyUomId": "USD",
    }
    assert [i["discount"] for i in estimate["items"]] == ["9.00", "6.00"]

    estimate = await run(
        api, SET_DISCOUNT, estimateId="EST-001", version=estimate["version"], discountAmount="20"
    )
    assert (estimate["discountFixedAmount"], estimate["totals"]["discountAmount"]) == (
        "20.00",
        "20.00",
    )

    for fields, expected in (
        ({"discountPercent": "101"}, ("BAD_USER_INPUT", "discountPercent")),
        ({"discountAmount": "150"}, ("DISCOUNT_EXCEEDS_SUBTOTAL", "discountAmount")),
        ({"discountAmount": "-1"}, ("BAD_USER_INPUT", "discountAmount")),
    ):
        body = await api(
            SET_DISCOUNT,
            {"input": {"estimateId": "EST-001", "version": estimate["version"], **fields}},
        )
        assert codes_and_fields(body) == [expected]
    assert (await api.data(READ, {"id": "EST-001"}))["estimate"] == estimate
