"""Who is asking, for which tenant, with which permissions."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: str
    tenant_id: str
    permissions: frozenset[str]

    def may(self, permission: str) -> bool:
        return permission in self.permissions or "*" in self.permissions


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

    @classmethod
    def all(cls) -> frozenset[str]:
        return frozenset(v for k, v in vars(cls).items() if k.isupper() and isinstance(v, str))
