"""Who is asking, for which tenant, with which permissions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: str
    tenant_id: str
    permissions: frozenset[str]
    expires_at: datetime | None = None

    def may(self, permission: str) -> bool:
        return permission in self.permissions or "*" in self.permissions

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and now >= self.expires_at


class Permission:
    """The permission strings tokens carry, named `<domain>:<resource>:<action>`."""

    CUSTOMER_READ = "crm:customer:read"
    CUSTOMER_WRITE = "crm:customer:write"
    VEHICLE_READ = "crm:vehicle:read"
    VEHICLE_WRITE = "crm:vehicle:write"
    CATALOG_READ = "product:catalog:read"
    CATALOG_WRITE = "product:catalog:write"
    TAX_READ = "pricing:tax:read"
    TAX_WRITE = "pricing:tax:write"
    LOCATION_READ = "location:location:read"
    LOCATION_WRITE = "location:location:write"
    EVENTS_READ = "gateway:events:read"
    FINANCIAL_PERIOD_READ = "finance:period:read"
    ESTIMATE_READ = "workexec:estimate:read"
    ESTIMATE_WRITE = "workexec:estimate:write"
    ESTIMATE_APPROVE = "workexec:estimate:approve"
    ESTIMATE_OVERRIDE_PRICE = "workexec:estimate:override_price"
    ESTIMATE_ADD_NON_CATALOG_PART = "workexec:estimate:add_non_catalog_part"
    AUDIT_READ = "audit:event:read"
    COST_TRANSACTION_READ = "finance:cost:read"
    FINANCE_PERIOD_LOCK = "finance:period:lock"
    SERVICE_ORDER_READ = "crm:serviceorder:read"
    SERVICE_ORDER_WRITE = "crm:serviceorder:write"
    SERVICE_ORDER_BILL = "crm:serviceorder:bill"
    SLA_POLICY_WRITE = "crm:sla:write"
    PERSON_WRITE = "people:person:write"
    SCHEMA_INTROSPECT = "gateway:schema:introspect"
    INVENTORY_READ = "inventory:stock:read"
    INVENTORY_WRITE = "inventory:stock:write"
    INVENTORY_ADJUST = "inventory:stock:adjust"
    CUSTOMER_PRICING_WRITE = "inventory:customer_pricing:write"
    SALES_ORDER_READ = "sales:order:read"
    SALES_ORDER_WRITE = "sales:order:write"
    OPPORTUNITY_READ = "sales:opportunity:read"
    OPPORTUNITY_WRITE = "sales:opportunity:write"
    INVOICE_READ = "finance:invoice:read"
    INVOICE_WRITE = "finance:invoice:write"
    LEDGER_READ = "finance:ledger:read"
    LEDGER_WRITE = "finance:ledger:write"
    CREDIT_CONTROL = "finance:credit:write"
    CUSTOMER_BLOCK = "finance:credit:block"
    WRITE_OFF_APPROVE = "finance:writeoff:approve"

    @classmethod
    def to_read(cls, aggregate_type: str) -> str:
        """The permission an event about `aggregate_type` needs to reach a subscriber."""
        return READ_BY_AGGREGATE.get(aggregate_type, cls.EVENTS_READ)

    @classmethod
    def all(cls) -> frozenset[str]:
        return frozenset(v for k, v in vars(cls).items() if k.isupper() and isinstance(v, str))


READ_BY_AGGREGATE = {
    "customer": Permission.CUSTOMER_READ,
    "vehicle": Permission.VEHICLE_READ,
    "estimate": Permission.ESTIMATE_READ,
    "service_order": Permission.SERVICE_ORDER_READ,
    "workorder": Permission.SERVICE_ORDER_READ,
    "work_session": Permission.SERVICE_ORDER_READ,
    "revenue_record": Permission.SERVICE_ORDER_READ,
    "quote": Permission.ESTIMATE_READ,
    "stock_item": Permission.INVENTORY_READ,
    "customer_pricing": Permission.CUSTOMER_READ,
    "sales_order": Permission.SALES_ORDER_READ,
    "backorder": Permission.SALES_ORDER_READ,
    "opportunity": Permission.OPPORTUNITY_READ,
    "invoice": Permission.INVOICE_READ,
    "credit_memo": Permission.INVOICE_READ,
    "dunning_run": Permission.INVOICE_READ,
    "write_off": Permission.INVOICE_READ,
}
