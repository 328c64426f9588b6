"""Permissions declared on each root field, checked before its resolver runs."""

from __future__ import annotations

from functools import cache
from typing import Any

from strawberry.permission import BasePermission

from schema.context import Info


@cache
def requires(permission: str) -> type[BasePermission]:
    """A permission class for `permission_classes=[requires("crm:customer:read")]`.

    Raising the domain's Unauthenticated/Forbidden errors (rather than returning False)
    sends them through the one error mapping, with their codes and messages.
    """

    class Requires(BasePermission):
        message = f"Requires the permission '{permission}'."
        error_extensions = {"code": "FORBIDDEN"}

        def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
            info.context.require(permission)
            return True

    Requires.__name__ = f"Requires_{permission.replace(':', '_')}"
    return Requires
