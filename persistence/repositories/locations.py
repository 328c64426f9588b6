"""Locations, their tax codes and approval policies, for one tenant."""

from __future__ import annotations

from persistence.repositories.base import TenantRepository
from persistence.tables import approval_policies, locations, tax_codes


class LocationRepository(TenantRepository):
    table = locations


class TaxCodeRepository(TenantRepository):
    table = tax_codes


class ApprovalPolicyRepository(TenantRepository):
    table = approval_policies
