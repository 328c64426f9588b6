"""Builds each request's context: who is calling, and their tenant's units of work."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.clock import Clock
from domain.identity import Permission, Principal
from gateway.auth import TokenRejected, TokenVerifier
from gateway.rate_limits import RateLimits
from gateway.settings import Settings
from persistence.unit_of_work import UnitOfWorkFactory, unit_of_work_factory
from resolvers.dashboard.use_cases import DashboardSnapshots
from schema.context import RequestContext
from schema.planning.planner import ReadPlanner
from subscriptions.hub import EventHub


class ContextFactory:
    def __init__(
        self,
        engine: AsyncEngine,
        verifier: TokenVerifier,
        settings: Settings,
        hub: EventHub,
        clock: Clock,
        read_plans: ReadPlanner | None = None,
    ):
        self._engine = engine
        self._read_plans = read_plans
        self._clock = clock
        self._dashboards = DashboardSnapshots(settings.dashboard_fresh_seconds)
        self._own_sides = settings.own_sides
        self._hub = hub
        self._verifier = verifier
        self._limits = RateLimits(
            settings.rate_limit_user_per_minute, settings.rate_limit_tenant_per_minute
        )
        self._anonymous = (
            Principal(
                user_id="dev",
                tenant_id=settings.dev_tenant,
                permissions=frozenset({"*"} | Permission.all()),
            )
            if settings.allow_anonymous
            else None
        )

    def units_of_work(self, tenant_id: str) -> UnitOfWorkFactory:
        return unit_of_work_factory(self._engine, tenant_id)

    def reading_units(self, tenant_id: str) -> UnitOfWorkFactory:
        return unit_of_work_factory(self._engine, tenant_id, reading=True)

    async def caller(self, authorization: str | None) -> tuple[Principal | None, str | None]:
        """Who sends this Authorization header, or None and why the token was refused."""
        if authorization is None and self._anonymous is not None:
            return self._anonymous, None
        try:
            return await self._verifier.principal(authorization), None
        except TokenRejected as rejected:
            return None, str(rejected)

    async def build(self, request: Any, response: Any = None) -> RequestContext:
        principal, problem = await self.caller(request.headers.get("authorization"))
        if principal is not None and request.scope["type"] == "http":
            self._limits.take(principal)
        return RequestContext(
            principal=principal,
            units_of_work=self.units_of_work,
            reading_units=self.reading_units,
            hub=self._hub,
            auth_problem=problem,
            request=request,
            response=response,
            clock=self._clock,
            dashboards=self._dashboards,
            read_plans=self._read_plans if request.scope["type"] == "http" else None,
            own_sides=self._own_sides,
        )
