"""The parts and services catalog through the API, over real HTTP: the field names,
search (the real trigram index, filters, pages), tenancy and permissions. The rules
(ids, SKUs, categories, versions, refusals) are tested in tests/use_cases/test_catalog.py."""

from __future__ import annotations

from typing import Any

from domain.identity import Permission
from tests.conftest import Api

CREATE_CATEGORY = """
mutation($input: CreateProductCategoryInput!) {
  createProductCategory(input: $input) { categoryId name }
}"""
CREATE_PART = """
mutation($input: CreatePartInput!) {
  createPart(input: $input) {
    productId sku name description unitPrice currencyUomId taxCode availability
    categoryId categoryName version
  }
}"""
UPDATE_PART = """
mutation($input: UpdatePartInput!) {
  updatePart(input: $input) { productId sku unitPrice availability categoryName version }
}"""
CREATE_SERVICE = """
mutation($input: CreateServiceInput!) {
  createService(input: $input) {
    serviceId name description pricingModel laborUnits unitRate currencyUomId taxCode category
  }
}"""
SEARCH_PARTS = """
query($query: String, $categoryId: ID, $availability: Availability, $pageIndex: Int,
      $pageSize: Int) {
  searchParts(query: $query, categoryId: $categoryId, availability: $availability,
              pageIndex: $pageIndex, pageSize: $pageSize) {
    items {
      productId sku name description unitPrice currencyUomId taxCode availability
      categoryId categoryName
    }
    pageIndex pageSize totalCount hasNextPage
  }
}"""
SEARCH_SERVICES = """
query($query: String, $category: String, $pricingModel: PricingModel, $pageIndex: Int,
      $pageSize: Int) {
  searchServices(query: $query, category: $category, pricingModel: $pricingModel,
                 pageIndex: $pageIndex, pageSize: $pageSize) {
    items {
      serviceId name description pricingModel laborUnits unitRate currencyUomId taxCode category
    }
    totalCount hasNextPage
  }
}"""

SEED_PART = {
    "productId": "PART-001",
    "sku": "BRK-PAD-F",
    "name": "Front Brake Pad Set",
    "description": "OEM replacement brake pads for front axle",
    "unitPrice": "89.99",
    "currencyUomId": "USD",
    "taxCode": "TAXABLE_GOODS",
    "availability": "IN_STOCK",
    "categoryId": "CAT-BRAKES",
    "categoryName": "Brakes & Rotors",
}
SEED_SERVICE = {
    "serviceId": "SVC-001",
    "name": "Brake Inspection",
    "description": "Visual inspection of brake pads, rotors, and calipers",
    "pricingModel": "FLAT_RATE",
    "laborUnits": "0.50",
    "unitRate": "120.00",
    "currencyUomId": "USD",
    "taxCode": "LABOR_TAXABLE",
    "category": "INSPECTION",
}


async def add_brakes_category(api: Api) -> None:
    await api.data(
        CREATE_CATEGORY, {"input": {"categoryId": "CAT-BRAKES", "name": "Brakes & Rotors"}}
    )


async def add_part(api: Api, **fields: Any) -> dict[str, Any]:
    return (await api.data(CREATE_PART, {"input": fields}))["createPart"]


def part_input(sku: str, name: str, **fields: Any) -> dict[str, Any]:
    return {"sku": sku, "name": name, "unitPrice": "10.00", **fields}


async def test_a_part_is_found_by_sku_name_or_description_shaped_like_the_catalog_dto(
    api: Api,
) -> None:
    await add_brakes_category(api)
    seed_input = {k: v for k, v in SEED_PART.items() if k not in ("categoryName", "unitPrice")}
    created = await add_part(api, **seed_input, unitPrice=89.99)
    assert created["version"] == 1
    for term in ("brk-pad", "Front Brake", "OEM REPLACEMENT"):
        page = (await api.data(SEARCH_PARTS, {"query": term}))["searchParts"]
        assert page == {
            "items": [SEED_PART],
            "pageIndex": 0,
            "pageSize": 20,
            "totalCount": 1,
            "hasNextPage": False,
        }, term


async def test_parts_are_filtered_by_category_and_availability(api: Api) -> None:
    await add_brakes_category(api)
    await add_part(api, **part_input("BRK-1", "Brake Rotor", categoryId="CAT-BRAKES"))
    await add_part(
        api,
        **part_input(
            "BRK-2", "Brake Caliper", categoryId="CAT-BRAKES", availability="OUT_OF_STOCK"
        ),
    )
    await add_part(api, **part_input("OIL-1", "Oil Filter", availability="OUT_OF_STOCK"))

    def names(page: dict[str, Any]) -> list[str]:
        return [item["name"] for item in page["searchParts"]["items"]]

    assert names(await api.data(SEARCH_PARTS, {"categoryId": "CAT-BRAKES"})) == [
        "Brake Caliper",
        "Brake Rotor",
    ]
    assert names(await api.data(SEARCH_PARTS, {"availability": "OUT_OF_STOCK"})) == [
        "Brake Caliper",
        "Oil Filter",
    ]
    both = {"categoryId": "CAT-BRAKES", "availability": "IN_STOCK"}
    assert names(await api.data(SEARCH_PARTS, both)) == ["Brake Rotor"]


async def test_parts_come_in_pages_in_name_order(api: Api) -> None:
    for number, name in enumerate(["Wiper", "Axle", "Fuse", "Belt", "Hose"]):
        await add_part(api, **part_input(f"SKU-{number}", name))
    first = (await api.data(SEARCH_PARTS, {"pageSize": 2}))["searchParts"]
    last = (await api.data(SEARCH_PARTS, {"pageSize": 2, "pageIndex": 2}))["searchParts"]
    assert [i["name"] for i in first["items"]] == ["Axle", "Belt"]
    assert (first["totalCount"], first["hasNextPage"]) == (5, True)
    assert [i["name"] for i in last["items"]] == ["Wiper"]
    assert (last["pageIndex"], last["hasNextPage"]) == (2, False)


async def test_an_edited_part_answers_with_its_category_name_and_next_version(api: Api) -> None:
    await add_brakes_category(api)
    created = await add_part(api, **part_input("BRK-1", "Rotor", categoryId="CAT-BRAKES"))
    edit = {"productId": created["productId"], "version": 1, "unitPrice": "12.50"}
    edited = await api.data(UPDATE_PART, {"input": {**edit, "availability": "DISCONTINUED"}})
    assert edited["updatePart"] == {
        "productId": "PART-001",
        "sku": "BRK-1",
        "unitPrice": "12.50",
        "availability": "DISCONTINUED",
        "categoryName": "Brakes & Rotors",
        "version": 2,
    }
    await api.data(CREATE_CATEGORY, {"input": {"categoryId": "CAT-ROTORS", "name": "Rotors"}})
    moved = {"productId": "PART-001", "version": 2, "categoryId": "CAT-ROTORS"}
    answered = (await api.data(UPDATE_PART, {"input": moved}))["updatePart"]
    assert (answered["categoryName"], answered["version"]) == ("Rotors", 3)
    assert await api.error_codes(UPDATE_PART, {"input": moved}) == ["VERSION_CONFLICT"]
    unversioned = {"productId": "PART-001", "unitPrice": "1.00"}
    assert await api.error_codes(UPDATE_PART, {"input": unversioned}) == ["BAD_USER_INPUT"]


async def test_another_tenants_part_is_not_found(api: Api) -> None:
    await add_part(api, **part_input("BRK-1", "Rotor"))
    stranger = api.as_tenant(f"{api.tenant}-other")
    body = await stranger('{ part(id: "PART-001") { name } }')
    assert body["errors"][0]["extensions"]["code"] == "PART_NOT_FOUND"
    page = await stranger.data(SEARCH_PARTS, {"query": "rotor"})
    assert page["searchParts"]["items"] == []
    assert (await api.data('{ part(id: "PART-001") { name } }'))["part"] == {"name": "Rotor"}


async def test_a_service_is_found_by_name_and_filtered_by_category_and_pricing_model(
    api: Api,
) -> None:
    seed_input = {k: v for k, v in SEED_SERVICE.items() if k not in ("laborUnits", "unitRate")}
    created = await api.data(
        CREATE_SERVICE, {"input": {**seed_input, "laborUnits": 0.5, "unitRate": 120}}
    )
    assert created["createService"] == SEED_SERVICE
    await api.data(
        CREATE_SERVICE,
        {
            "input": {
                "name": "Brake Pad Replacement",
                "pricingModel": "TIME_BASED",
                "laborUnits": "1.5",
                "unitRate": "95.00",
                "category": "labor",
            }
        },
    )
    found = await api.data(SEARCH_SERVICES, {"query": "calipers"})
    assert found["searchServices"] == {
        "items": [SEED_SERVICE],
        "totalCount": 1,
        "hasNextPage": False,
    }
    for filters, expected in (
        ({"query": "brake"}, ["Brake Inspection", "Brake Pad Replacement"]),
        ({"category": "LABOR"}, ["Brake Pad Replacement"]),
        ({"category": "inspection"}, ["Brake Inspection"]),
        ({"pricingModel": "TIME_BASED"}, ["Brake Pad Replacement"]),
    ):
        page = (await api.data(SEARCH_SERVICES, filters))["searchServices"]
        assert [item["name"] for item in page["items"]] == expected, filters


async def test_an_edited_service_answers_its_rate_in_cents(api: Api) -> None:
    await api.data(
        CREATE_SERVICE,
        {
            "input": {
                "name": "Diag",
                "pricingModel": "FLAT_RATE",
                "unitRate": 50,
                "category": "DIAGNOSTIC",
            }
        },
    )
    update = """mutation($input: UpdateServiceInput!) {
      updateService(input: $input) { serviceId unitRate pricingModel version } }"""
    edit = {"serviceId": "SVC-001", "version": 1, "unitRate": "55.5"}
    edited = await api.data(update, {"input": edit})
    assert edited["updateService"] == {
        "serviceId": "SVC-001",
        "unitRate": "55.50",
        "pricingModel": "FLAT_RATE",
        "version": 2,
    }
    assert await api.error_codes(update, {"input": edit}) == ["VERSION_CONFLICT"]


async def test_the_catalog_needs_the_catalog_permissions(api: Api) -> None:
    reader = api.as_tenant(api.tenant, [Permission.CATALOG_READ])
    assert (await reader.data(SEARCH_PARTS))["searchParts"]["items"] == []
    assert await reader.error_codes(CREATE_PART, {"input": part_input("A", "B")}) == ["FORBIDDEN"]
    outsider = api.as_tenant(api.tenant, [Permission.CUSTOMER_READ])
    assert await outsider.error_codes(SEARCH_PARTS) == ["FORBIDDEN"]
