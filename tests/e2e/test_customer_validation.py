"""What only the wire shows of customer and vehicle forms: an explicit null against an
omitted field, the vehicle mutations' field names, and that a refusal reaches the client
with its code and field. The rules themselves are tested in tests/use_cases/test_customers.py."""

from __future__ import annotations

from tests.conftest import Api

NEW_VEHICLE = "mutation($v: CreateVehicleInput!) { createVehicle(input: $v) { vehicleId vin } }"
UPDATE_VEHICLE = """mutation($v: UpdateVehicleInput!) {
  updateVehicle(input: $v) { vehicleId customerId vin unitNumber licensePlate version } }"""


async def _customer(api: Api) -> str:
    data = await api.data(
        'mutation { createCustomer(input: {name: "Dana Scully"}) { customerId } }'
    )
    return data["createCustomer"]["customerId"]


async def test_a_vehicle_is_registered_and_edited_and_a_taken_vin_is_refused(api: Api) -> None:
    owner = await _customer(api)
    vin = "1HGBH41JXMN109186"
    first = await api.data(NEW_VEHICLE, {"v": {"customerId": owner, "vin": vin.lower()}})
    assert first["createVehicle"]["vin"] == vin
    vehicle = first["createVehicle"]["vehicleId"]
    edit = {"vehicleId": vehicle, "version": 1, "unitNumber": "U-7", "licensePlate": "XF-1"}
    edited = await api.data(UPDATE_VEHICLE, {"v": edit})
    assert edited["updateVehicle"] == {
        "vehicleId": vehicle,
        "customerId": owner,
        "vin": vin,
        "unitNumber": "U-7",
        "licensePlate": "XF-1",
        "version": 2,
    }
    body = await api(NEW_VEHICLE, {"v": {"customerId": owner, "vin": vin}})
    assert body["errors"][0]["extensions"] == {"code": "DUPLICATE_VIN", "field": "vin"}
    assert body["data"] is None


async def test_an_explicit_null_clears_an_optional_field(api: Api) -> None:
    owner = await _customer(api)
    update = "mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { email phone } }"
    await api.data(
        update, {"i": {"customerId": owner, "version": 1, "email": "a@b.co", "phone": "555 0100"}}
    )
    cleared = await api.data(update, {"i": {"customerId": owner, "version": 2, "email": None}})
    assert cleared["updateCustomer"] == {"email": None, "phone": "555 0100"}
