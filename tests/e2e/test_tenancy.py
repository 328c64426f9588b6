"""A tenant never sees, changes or links to another tenant's data."""

from __future__ import annotations

from tests.conftest import Api


async def _customer_with_vehicle(api: Api) -> None:
    await api.data(
        'mutation { createCustomer(input: {customerId: "CUST-900", name: "Acme Fleet", '
        'email: "ops@acme.test"}) { customerId } }'
    )
    await api.data(
        'mutation { createVehicle(input: {vehicleId: "VEH-900", customerId: "CUST-900",'
        ' vin: "1HGBH41JXMN109186"}) { vehicleId } }'
    )


async def test_another_tenants_customer_is_not_found(api: Api) -> None:
    await _customer_with_vehicle(api)
    other = api.as_tenant(api.tenant + "-other")
    assert await other.error_codes('{ customer(id: "CUST-900") { name } }') == [
        "CUSTOMER_NOT_FOUND"
    ]
    assert await other.error_codes('{ vehicle(id: "VEH-900") { vin } }') == ["VEHICLE_NOT_FOUND"]
    found = await other.data(
        '{ searchCustomers(query: "acme") { items { customerId } } '
        'searchVehicles(query: "1HGBH") { items { vehicleId } } }'
    )
    assert found == {"searchCustomers": {"items": []}, "searchVehicles": {"items": []}}


async def test_another_tenant_can_neither_edit_nor_attach_to_a_customer(api: Api) -> None:
    await _customer_with_vehicle(api)
    other = api.as_tenant(api.tenant + "-other")
    assert await other.error_codes(
        'mutation { updateCustomer(input: {customerId: "CUST-900", version: 1, name: "Hijacked"})'
        " { name } }"
    ) == ["CUSTOMER_NOT_FOUND"]
    assert await other.error_codes(
        'mutation { createVehicle(input: {customerId: "CUST-900", vin: "2HGBH41JXMN109186"}) '
        "{ vehicleId } }"
    ) == ["CUSTOMER_NOT_FOUND"]
    mine = await api.data('{ customer(id: "CUST-900") { name vehicles { vehicleId } } }')
    assert mine == {"customer": {"name": "Acme Fleet", "vehicles": [{"vehicleId": "VEH-900"}]}}


async def test_the_same_vin_and_ids_may_exist_in_two_tenants(api: Api) -> None:
    await _customer_with_vehicle(api)
    await _customer_with_vehicle(api.as_tenant(api.tenant + "-other"))
