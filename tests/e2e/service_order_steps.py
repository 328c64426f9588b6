"""What the service order tests do through the API: a shop to work in, orders moved along."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api

LOCATION = "LOC-001"
START, END = "2026-01-25T08:00:00Z", "2026-01-25T12:30:00Z"

ORDER = """serviceOrderId customerId vehicleId locationId priority status description
  estimateId items { itemId itemType description quantity unitPrice taxCode }
  scheduleStart scheduleEnd technicianId appointmentId startedAt completionTime resolutionCode
  cancelledAt cancellationReason contractId coveredByContract
  workSessions { workSessionId personId billableMinutes recordedBy }
  parts { workorderPartId productId sku quantity unitPrice declined lineTotal }
  billableSnapshot { workorderSnapshotId partsTotal laborTotal taxTotal grandTotal
    currencyUomId labor { workSessionId billableMinutes amount } parts { workorderPartId } }
  billedAt glEntries { account accountName side amount } createdAt version
  sla { responseDueAt resolutionDueAt atRisk breached }"""

CREATE = f"""mutation($input: CreateServiceOrderInput!) {{
  createServiceOrder(input: $input) {{ {ORDER} }} }}"""
GET = f"query($id: ID!) {{ serviceOrder(id: $id) {{ {ORDER} }} }}"
SCHEDULE = f"""mutation($id: ID!, $start: DateTime!, $end: DateTime!, $version: Int!,
  $appointment: ID) {{
  scheduleServiceOrder(serviceOrderId: $id, start: $start, end: $end, version: $version,
  appointmentId: $appointment) {{ {ORDER} }} }}"""
ASSIGN = f"""mutation($id: ID!, $tech: ID!, $version: Int!) {{
  assignTechnician(serviceOrderId: $id, technicianId: $tech, version: $version) {{ {ORDER} }} }}"""
START_WORK = f"""mutation($id: ID!, $version: Int!) {{
  startServiceOrder(serviceOrderId: $id, version: $version) {{ {ORDER} }} }}"""
COMPLETE = f"""mutation($id: ID!, $at: DateTime, $code: String!, $version: Int!) {{
  completeServiceOrder(serviceOrderId: $id, completionTime: $at, resolutionCode: $code,
  version: $version) {{ {ORDER} }} }}"""
CANCEL = f"""mutation($id: ID!, $reason: String!, $version: Int!) {{
  cancelServiceOrder(serviceOrderId: $id, reason: $reason, version: $version) {{ {ORDER} }} }}"""
RECORD_SESSION = f"""mutation($input: WorkSessionInput!, $version: Int!) {{
  recordWorkSession(input: $input, version: $version) {{ {ORDER} }} }}"""
RECORD_PARTS = f"""mutation($id: ID!, $parts: [PartUsageInput!]!, $version: Int!) {{
  recordPartsUsage(serviceOrderId: $id, parts: $parts, version: $version) {{ {ORDER} }} }}"""
FINALIZE = f"""mutation($id: ID!, $rate: Decimal!, $code: String, $po: String, $version: Int!) {{
  finalizeServiceOrder(serviceOrderId: $id, laborRate: $rate, laborTaxCode: $code,
  poNumber: $po, version: $version) {{ {ORDER} }} }}"""
BILL = f"""mutation($id: ID!, $on: Date, $version: Int!) {{
  billServiceOrder(serviceOrderId: $id, billingDate: $on, version: $version) {{ {ORDER} }} }}"""
VERSION = "query($id: ID!) { serviceOrder(id: $id) { version } }"


async def read(api: Api, variables: dict[str, Any]) -> dict[str, Any]:
    """`variables` with the version of the order as a client reads it before changing it
    (every service-order mutation requires it); a version given is kept, and an order
    that cannot be read gets version 1 (its mutation then reports why)."""
    if "version" in variables:
        return variables
    order_id = variables.get("id") or variables["input"]["serviceOrderId"]
    found = (await api(VERSION, {"id": order_id})).get("data") or {}
    return {**variables, "version": (found.get("serviceOrder") or {}).get("version", 1)}


async def open_shop(api: Api) -> dict[str, str]:
    """A customer with a vehicle, a location with tax codes, a technician and a clerk."""
    customer = (
        await api.data('mutation { createCustomer(input: {name: "Fleet Co"}) { customerId } }')
    )["createCustomer"]["customerId"]
    vehicle = (
        await api.data(
            "mutation($c: ID!) { createVehicle(input: {customerId: $c, "
            'vin: "1HGBH41JXMN109186"}) { vehicleId } }',
            {"c": customer},
        )
    )["createVehicle"]["vehicleId"]
    await api.data(
        'mutation { createLocation(input: {locationId: "LOC-001", name: "North"}) { locationId } }'
    )
    for code, kind in (("TAXABLE_GOODS", "PART"), ("LABOR_TAX", "LABOR")):
        await api.data(
            "mutation($code: String!, $kind: ItemType!) { upsertTaxCode(input: {locationId: "
            '"LOC-001", taxCode: $code, description: "8%", rate: "0.08", '
            "applicableItemTypes: [$kind]}) { taxCode } }",
            {"code": code, "kind": kind},
        )
    for person, role in (("TECH-001", "TECHNICIAN"), ("CLERK-1", "CLERK")):
        await api.data(
            'mutation($p: ID!, $r: String!) { savePerson(input: {personId: $p, name: "Pat", '
            'roles: [$r], locationIds: ["LOC-001"]}) { personId } }',
            {"p": person, "r": role},
        )
    # seed 001's pads (Inventory's PROD-BRAKE-PAD) are the catalog's SKU BRK-PAD-F
    await api.data(
        'mutation { createPart(input: {productId: "PART-001", sku: "BRK-PAD-F", '
        'name: "Front Brake Pad Set", unitPrice: "89.99"}) { productId } }'
    )
    return {"customer": customer, "vehicle": vehicle}


async def create_order(api: Api, shop: dict[str, str], **fields: Any) -> dict[str, Any]:
    values = {
        "customerId": shop["customer"],
        "vehicleId": shop["vehicle"],
        "locationId": LOCATION,
        "priority": "HIGH",
        "description": "Brakes squeal",
        **fields,
    }
    return (await api.data(CREATE, {"input": values}))["createServiceOrder"]


async def in_progress(api: Api, shop: dict[str, str]) -> str:
    order_id = (await create_order(api, shop))["serviceOrderId"]
    scheduled = {"id": order_id, "start": START, "end": END, "appointment": "APT-001"}
    await api.data(SCHEDULE, await read(api, scheduled))
    await api.data(ASSIGN, await read(api, {"id": order_id, "tech": "TECH-001"}))
    await api.data(START_WORK, await read(api, {"id": order_id}))
    return order_id


def session(order_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "serviceOrderId": order_id,
        "personId": "TECH-001",
        "startTime": START,
        "endTime": END,
        "breakDurationMinutes": 30,
        "billableMinutes": 240,
        "recordedBy": "TECH-001",
        **fields,
    }


PADS = {
    "workorderPartId": "WOP-001",
    "productId": "PROD-BRAKE-PAD",
    "sku": "BRK-PAD-F",
    "quantity": "2",
    "unitPrice": "89.99",
    "taxCode": "TAXABLE_GOODS",
}


async def completed(api: Api, shop: dict[str, str]) -> str:
    """An order with the seed's session (240 min) and brake pads (2 x 89.99), completed."""
    order_id = await in_progress(api, shop)
    await api.data(RECORD_SESSION, await read(api, {"input": session(order_id)}))
    await api.data(
        RECORD_PARTS,
        await read(
            api, await read(api, {"id": order_id, "parts": [{**PADS, "workorderPartId": None}]})
        ),
    )
    await api.data(COMPLETE, await read(api, {"id": order_id, "code": "RESOLVED"}))
    return order_id


async def finalized(api: Api, shop: dict[str, str]) -> str:
    order_id = await completed(api, shop)
    await api.data(
        FINALIZE, await read(api, {"id": order_id, "rate": "60.00", "code": "LABOR_TAX"})
    )
    return order_id
