"""The Starlette application: GraphQL on /graphql, liveness on /healthz, readiness on /readyz.

Every resource is opened in one lifespan and closed in reverse order; nothing happens at
import time. The settings must already name the database and broker (the CLI starts
the embedded ones and fills them in for `gateway dev`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL

from gateway.auth import TokenVerifier, signing_secret
from gateway.context import ContextFactory
from gateway.settings import Settings
from persistence.database import create_engine, ping
from schema.root import Limits, build_schema
from subscriptions.topics import BrokerLink

log = logging.getLogger("gateway")


class GraphQLApp(GraphQL):
    """Strawberry's ASGI app with the gateway's per-request context."""

    def __init__(self, contexts: ContextFactory, **kwargs: Any):
        super().__init__(**kwargs)
        self._contexts = contexts

    async def get_context(self, request: Any, response: Any = None) -> Any:
        return await self._contexts.build(request, response)


def create_app(settings: Settings) -> Starlette:
    if not settings.database_url or not settings.kafka_bootstrap_servers:
        raise ValueError("create_app needs DATABASE_URL and KAFKA_BOOTSTRAP_SERVERS set")
    engine = create_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
    )
    broker = BrokerLink(settings.kafka_bootstrap_servers, settings.kafka_client_id)
    verifier = TokenVerifier(
        secret=signing_secret(settings, create=settings.allow_anonymous),
        jwks_url=settings.jwt_jwks_url,
        audience=settings.jwt_audience,
        issuer=settings.jwt_issuer,
    )
    contexts = ContextFactory(engine, verifier, settings)
    schema = build_schema(
        Limits(
            max_depth=settings.max_query_depth,
            max_tokens=settings.max_tokens,
            max_aliases=settings.max_aliases,
            parser_cache_size=settings.parser_cache_size,
            validation_cache_size=settings.validation_cache_size,
        )
    )
    graphql = GraphQLApp(
        contexts,
        schema=schema,
        graphql_ide="graphiql" if settings.graphiql else None,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL),
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await ping(engine)
        await broker.start()
        try:
            if settings.kafka_create_topics:
                await broker.ensure_topics(settings.kafka_replication_factor)
            log.info("gateway ready on /graphql")
            yield
        finally:
            await broker.close()
            await engine.dispose()

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> JSONResponse:
        checks: dict[str, str] = {}
        for name, probe in (("database", ping(engine)), ("broker", broker.ping())):
            try:
                await asyncio.wait_for(probe, 3)
                checks[name] = "ok"
            except Exception as error:
                checks[name] = f"unreachable: {type(error).__name__}: {error}"
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "checks": checks},
            status_code=200 if ready else 503,
        )

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            WebSocketRoute("/graphql", graphql),
        ],
        lifespan=lifespan,
    )
    app.state.engine = engine
    return app
