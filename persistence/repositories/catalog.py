"""The parts and services catalog of one tenant."""

from __future__ import annotations

from persistence.repositories.base import TenantRepository
from persistence.tables import parts, product_categories, services


class CategoryRepository(TenantRepository):
    table = product_categories


class PartRepository(TenantRepository):
    table = parts


class ServiceRepository(TenantRepository):
    table = services
