"""Permissions declared on each root field, checked before its resolver runs."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from strawberry.permission import BasePermission

from domain.clock import Clock
from domain.errors import Unauthenticated
from domain.events import DomainEvent
from domain.identity import Permission, Principal
from schema.context import Info


@cache
def requires(permission: str) -> type[BasePermission]:
    """A permission class for `permission_classes=[requires("crm:customer:read")]`.

    Raising the domain's Unauthenticated/Forbidden errors (rather than returning False)
    sends them through the one error mapping, with their codes and messages.
    """

    class Requires(BasePermission):
        message = f"Requires the permission '{permission}'."
        required = permission
        """Read by the compiled read path's planner (schema/planning/selection.py)."""
        error_extensions = {"code": "FORBIDDEN"}

        def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
            info.context.require(permission)
            return True

    Requires.__name__ = f"Requires_{permission.replace(':', '_')}"
    return Requires


def event_reader(
    principal: Principal, clock: Clock, permission: str | None = None
) -> Callable[[DomainEvent], bool]:
    """What a subscription asks before each event goes out, not only when it starts.

    A token that expires mid-stream, by the gateway's clock, ends the subscription
    (UNAUTHENTICATED); an event is sent only if the token may read it: `permission`, or
    else the read permission of the event's aggregate type.
    """

    def may_see(event: DomainEvent) -> bool:
        if principal.expired(clock.now()):
            raise Unauthenticated("Your token expired; reconnect with a new one.")
        return principal.may(permission or Permission.to_read(event.aggregate_type))

    return may_see
