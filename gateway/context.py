"""Builds each request's context: who is calling, and their tenant's units of work."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.clock import Clock, SystemClock
from domain.identity import Permission, Principal
from gateway.auth import TokenRejected, TokenVerifier
from gateway.settings import Settings
from persistence.unit_of_work import UnitOfWorkFactory, unit_of_work_factory
from resolvers.dashboard import DashboardSnapshots
from schema.context import RequestContext
from subscriptions.hub import EventHub


class ContextFactory:
    def __init__(
        self,
        engine: AsyncEngine,
        verifier: TokenVerifier,
        settings: Settings,
        hub: EventHub,
        clock: Clock | None = None,
    ):
        self._engine = engine
        self._clock = clock or SystemClock()
        self._dashboards = DashboardSnapshots(settings.dashboard_fresh_seconds)
        self._hub = hub
        self._verifier = verifier
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

    async def build(self, request: Any, response: Any = None) -> RequestContext:
        authorization = request.headers.get("authorization")
        principal: Principal | None = None
        problem: str | None = None
        if authorization is None and self._anonymous is not None:
            principal = self._anonymous
        else:
            try:
                principal = await self._verifier.principal(authorization)
            except TokenRejected as rejected:
                problem = str(rejected)
        return RequestContext(
            principal=principal,
            units_of_work=self.units_of_work,
            hub=self._hub,
            auth_problem=problem,
            request=request,
            response=response,
            clock=self._clock,
            dashboards=self._dashboards,
        )
