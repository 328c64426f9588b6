"""A shop set up through the API for estimate tests: seed 001's catalog, taxes and policy.

LOC-001 with the pricing contract's tax codes; PART-001 (89.99, TAXABLE_GOODS) and a
part without a tax code; SVC-001 (seed's FLAT_RATE brake inspection, 120.00) and
SVC-002 (TIME_BASED, 0.5 labor units x 120.00 = 60.00); CUST-001 owning VEH-001 and
CUST-002 owning VEH-002; the location's approval policy (7 days).
"""

from __future__ import annotations

from typing import Any

from tests.conftest import Api
from tests.e2e.test_pricing_api import set_up_location

ESTIMATE = """
  estimateId estimateNumber revision status version customerId vehicleId locationId
  discountPercent discountFixedAmount legalTermsVersion submittedAt expiresAt validUntil
  declineReason previousRevisionId supersededById createdBy latestAuditEventId
  items {
    itemId itemType description quantity unitPrice taxCode catalogId laborUnits
    priceOverridden subtotal discount taxAmount lineTotal
  }
  totals {
    subtotalServices subtotalMaterials subtotal discountAmount taxTotal grandTotal itemCount
    currencyUomId
  }
  approval { approvalMethod approvedBy approvedAt legalTermsVersion signaturePresent }
"""


def mutation(name: str, input_type: str) -> str:
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {ESTIMATE} }} }}"


CREATE = mutation("createEstimate", "CreateEstimateInput")
ADD_PART = mutation("addPartToEstimate", "AddPartToEstimateInput")
ADD_SERVICE = mutation("addServiceToEstimate", "AddServiceToEstimateInput")
UPDATE_QUANTITY = mutation("updateEstimateItemQuantity", "UpdateEstimateItemQuantityInput")
REMOVE_ITEM = mutation("removeEstimateItem", "RemoveEstimateItemInput")
SET_DISCOUNT = mutation("setEstimateDiscount", "SetEstimateDiscountInput")
SUBMIT = mutation("submitEstimate", "EstimateVersionInput")
APPROVE = mutation("approveEstimate", "ApproveEstimateInput")
DECLINE = mutation("declineEstimate", "DeclineEstimateInput")
REVISE = mutation("reviseEstimate", "EstimateVersionInput")
READ = f"query($id: ID!) {{ estimate(id: $id) {{ {ESTIMATE} }} }}"

SETUP = [
    (
        "mutation($input: CreatePartInput!) { createPart(input: $input) { productId } }",
        {
            "productId": "PART-001",
            "sku": "BRK-PAD-F",
            "name": "Front Brake Pad Set",
            "description": "OEM replacement brake pads for front axle",
            "unitPrice": "89.99",
            "taxCode": "TAXABLE_GOODS",
        },
    ),
    (
        "mutation($input: CreatePartInput!) { createPart(input: $input) { productId } }",
        {"productId": "PART-002", "sku": "WIPER", "name": "Wiper blade", "unitPrice": "12.50"},
    ),
    (
        "mutation($input: CreateServiceInput!) { createService(input: $input) { serviceId } }",
        {
            "serviceId": "SVC-001",
            "name": "Brake Inspection",
            "description": "Visual inspection of brake pads, rotors, and calipers",
            "pricingModel": "FLAT_RATE",
            "laborUnits": "0.5",
            "unitRate": "120.00",
            "taxCode": "LABOR_TAXABLE",
            "category": "INSPECTION",
        },
    ),
    (
        "mutation($input: CreateServiceInput!) { createService(input: $input) { serviceId } }",
        {
            "serviceId": "SVC-002",
            "name": "Brake pad replacement labor",
            "pricingModel": "TIME_BASED",
            "laborUnits": "0.5",
            "unitRate": "120.00",
            "taxCode": "LABOR_TAXABLE",
            "category": "LABOR",
        },
    ),
    (
        "mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customerId } }",
        {"customerId": "CUST-001", "name": "John Doe"},
    ),
    (
        "mutation($input: CreateVehicleInput!) { createVehicle(input: $input) { vehicleId } }",
        {"vehicleId": "VEH-001", "customerId": "CUST-001", "vin": "1HGBH41JXMN109186"},
    ),
    (
        "mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customerId } }",
        {"customerId": "CUST-002", "name": "Jane Roe"},
    ),
    (
        "mutation($input: CreateVehicleInput!) { createVehicle(input: $input) { vehicleId } }",
        {"vehicleId": "VEH-002", "customerId": "CUST-002", "vin": "2HGBH41JXMN109187"},
    ),
]
SET_POLICY = """
mutation($input: SetApprovalPolicyInput!) { setApprovalPolicy(input: $input) { policyMode } }"""


async def open_shop(api: Api, *, approval_method: str = "CLICK_CONFIRM") -> None:
    await set_up_location(api)
    for query, fields in SETUP:
        await api.data(query, {"input": fields})
    await api.data(
        SET_POLICY,
        {
            "input": {
                "locationId": "LOC-001",
                "approvalMethod": approval_method,
                "legalTermsText": "By signing below, you authorize the work described...",
                "legalTermsVersion": "2024-01-01",
                "expiresInDays": 7,
            }
        },
    )


async def run(api: Api, query: str, **fields: Any) -> dict[str, Any]:
    """The estimate a mutation returns (the request must succeed)."""
    data = await api.data(query, {"input": fields})
    return next(iter(data.values()))


async def draft(api: Api) -> dict[str, Any]:
    return await run(api, CREATE, customerId="CUST-001", vehicleId="VEH-001", locationId="LOC-001")


async def seed_estimate(api: Api) -> dict[str, Any]:
    """Seed 001's example: the brake pads (89.99) and 0.5 h of labor at 120.00."""
    estimate = await draft(api)
    estimate = await run(
        api,
        ADD_PART,
        estimateId=estimate["estimateId"],
        version=estimate["version"],
        productId="PART-001",
    )
    return await run(
        api,
        ADD_SERVICE,
        estimateId=estimate["estimateId"],
        version=estimate["version"],
        serviceId="SVC-002",
    )


async def submitted(api: Api) -> dict[str, Any]:
    estimate = await seed_estimate(api)
    return await run(api, SUBMIT, estimateId=estimate["estimateId"], version=estimate["version"])
