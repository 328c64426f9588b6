"""What a clerk sees when a customer or vehicle form is wrong, and that nothing is saved."""

from __future__ import annotations

from tests.conftest import Api

NEW_VEHICLE = "mutation($v: CreateVehicleInput!) { createVehicle(input: $v) { vehicleId vin } }"


async def _customer(api: Api) -> str:
    data = await api.data(
        'mutation { createCustomer(input: {name: "Dana Scully"}) { customerId } }'
    )
    return data["createCustomer"]["customerId"]


async def test_a_vin_with_i_o_or_q_is_refused_naming_the_field(api: Api) -> None:
    owner = await _customer(api)
    body = await api(NEW_VEHICLE, {"v": {"customerId": owner, "vin": "1HGBH41JXMN10918O"}})
    [error] = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "vin"}
    assert "except I, O and Q" in error["message"]


async def test_a_vin_is_registered_once_per_tenant(api: Api) -> None:
    owner = await _customer(api)
    vin = "1HGBH41JXMN109186"
    first = await api.data(NEW_VEHICLE, {"v": {"customerId": owner, "vin": vin.lower()}})
    assert first["createVehicle"]["vin"] == vin
    body = await api(NEW_VEHICLE, {"v": {"customerId": owner, "vin": vin}})
    assert body["errors"][0]["extensions"] == {"code": "DUPLICATE_VIN", "field": "vin"}
    assert first["createVehicle"]["vehicleId"] in body["errors"][0]["message"]


async def test_a_vehicle_for_an_unknown_customer_is_customer_not_found(api: Api) -> None:
    codes = await api.error_codes(
        NEW_VEHICLE, {"v": {"customerId": "CUST-404", "vin": "1HGBH41JXMN109186"}}
    )
    assert codes == ["CUSTOMER_NOT_FOUND"]


async def test_every_bad_field_of_a_customer_form_is_its_own_error_and_nothing_is_saved(
    api: Api,
) -> None:
    body = await api(
        'mutation { createCustomer(input: {name: "", email: "x@", '
        'phone: "call me"}) { customerId } }'
    )
    assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in body["errors"]] == [
        ("BAD_USER_INPUT", "name"),
        ("BAD_USER_INPUT", "email"),
        ("BAD_USER_INPUT", "phone"),
    ]
    found = await api.data("{ searchCustomers { items { customerId } } }")
    assert found["searchCustomers"]["items"] == []


async def test_a_stale_version_is_a_version_conflict_and_keeps_the_newer_edit(api: Api) -> None:
    owner = await _customer(api)
    update = (
        "mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { name email version } }"
    )
    saved = await api.data(
        update, {"i": {"customerId": owner, "version": 1, "email": "dana@fbi.test"}}
    )
    assert saved["updateCustomer"] == {
        "name": "Dana Scully",
        "email": "dana@fbi.test",
        "version": 2,
    }
    codes = await api.error_codes(
        update, {"i": {"customerId": owner, "version": 1, "name": "Stale Edit"}}
    )
    assert codes == ["VERSION_CONFLICT"]
    current = await api.data(f'{{ customer(id: "{owner}") {{ name version }} }}')
    assert current["customer"] == {"name": "Dana Scully", "version": 2}


async def test_an_explicit_null_clears_an_optional_field(api: Api) -> None:
    owner = await _customer(api)
    update = "mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { email phone } }"
    await api.data(
        update, {"i": {"customerId": owner, "version": 1, "email": "a@b.co", "phone": "555 0100"}}
    )
    cleared = await api.data(update, {"i": {"customerId": owner, "version": 2, "email": None}})
    assert cleared["updateCustomer"] == {"email": None, "phone": "555 0100"}


async def test_page_sizes_outside_1_to_100_are_invalid_page_size(api: Api) -> None:
    for arguments in ("pageSize: 0", "pageSize: 101", "pageIndex: -1"):
        body = await api(f"{{ searchCustomers({arguments}) {{ items {{ customerId }} }} }}")
        assert body["errors"][0]["extensions"]["code"] == "INVALID_PAGE_SIZE", arguments


async def test_ids_come_from_the_series_and_a_taken_id_is_refused(api: Api) -> None:
    ids = [await _customer(api) for _ in range(2)]
    assert ids == ["CUST-001", "CUST-002"]
    body = await api(
        'mutation { createCustomer(input: {customerId: "CUST-002", name: "Dup"}) { customerId } }'
    )
    assert body["errors"][0]["extensions"] == {"code": "DUPLICATE_ID", "field": "customerId"}
    await api.data(
        'mutation { createCustomer(input: {customerId: "CUST-004", name: "Own id"}) '
        "{ customerId } }"
    )
    assert [await _customer(api) for _ in range(2)] == ["CUST-003", "CUST-005"]
