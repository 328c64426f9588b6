"""The Starlette application: GraphQL on /graphql, liveness on /healthz, readiness on /readyz,
Prometheus metrics on /metrics (unless `METRICS_ENABLED=false`), GraphiQL's files on
/graphiql/ (when `GRAPHIQL` is on), OpenTelemetry spans (when `TRACING_ENABLED`, see
gateway/tracing.py).

Every resource is opened in one lifespan and closed in reverse order; nothing happens at
import time. The settings must already name the database and broker (the CLI starts
the embedded ones and fills them in for `gateway dev`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from cross_web import HTTPException
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import Tracer, get_current_span
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL

from domain.clock import Clock, SystemClock
from gateway.admission import AdmittedRequests
from gateway.auth import TokenVerifier, signing_secret
from gateway.context import ContextFactory
from gateway.correlation import CorrelatedRequests
from gateway.events import EventBackbone
from gateway.graphiql import GraphiQLPage
from gateway.idempotency import IdempotentMutations
from gateway.metrics import GatewayMetrics
from gateway.rate_limits import RateLimited
from gateway.request_errors import LimitedBody, request_error
from gateway.request_spans import RequestSpans
from gateway.settings import Settings
from gateway.shared_subscriptions import SharedStreams
from gateway.tracing import Tracing
from gateway.websocket_auth import (
    GatewayWebSocketAdapter,
    authenticate_connection,
    forget_connection,
)
from gateway.websocket_protocols import SharingTransportWSHandler, SharingWSHandler
from persistence.database import DatabaseTimeouts, create_engine, ping
from persistence.statement_spans import trace_statements
from schema.direct_mutations import DirectMutations
from schema.known_operations import KnownOperations
from schema.planned_operations import PlannedOperations
from schema.planning.planner import ReadPlanner
from schema.planning.response import response_body
from schema.root import Limits, build_schema
from subscriptions.topics import BrokerLink

log = logging.getLogger("gateway")
GRAPHQL_RESPONSE = "application/graphql-response+json"
KEPT_ACCEPTS = 64
"""Accept headers whose verdict (one JSON answer or a stream) is kept."""


class GraphQLApp(GraphQL):
    """Strawberry's ASGI app with the gateway's context, websocket authentication, and
    identical subscriptions executed once for all their sockets."""

    websocket_adapter_class = GatewayWebSocketAdapter  # type: ignore[assignment]
    graphql_transport_ws_handler_class = SharingTransportWSHandler
    graphql_ws_handler_class = SharingWSHandler

    def __init__(
        self,
        contexts: ContextFactory,
        verifier: TokenVerifier,
        subscriber_queue_size: int,
        metrics: GatewayMetrics,
        graphiql: GraphiQLPage | None,
        tracer: Tracer,
        planned: PlannedOperations | None = None,
        mutations: DirectMutations | None = None,
        **kwargs: Any,
    ):
        super().__init__(graphql_ide="graphiql" if graphiql else None, **kwargs)
        self.metrics = metrics
        self._planned = planned
        self._mutations = mutations
        self._plain_accepts: dict[str, bool] = {}
        self.tracer = tracer
        self._graphiql = graphiql
        self._contexts = contexts
        self._verifier = verifier
        self.shared_subscriptions = SharedStreams(self.encode_json_string, subscriber_queue_size)

    async def get_context(self, request: Any, response: Any = None) -> Any:
        return await self._contexts.build(request, response)

    async def answer(self, request: Request) -> Response:
        """A planned query's answer, straight from the planner (schema/planned_operations.py);
        every other request, and one it hands back, from Strawberry's view.

        Only a POST of a JSON body or a GET with a `query` parameter, answered as one
        JSON document, and outside a trace that records (its spans stay exactly
        Strawberry's). The caller is authenticated and charged to its rate budget once,
        here, before the request is read, as Strawberry's view does first; a request
        handed back runs with that context. So does one whose own way failed unexpectedly
        (logged): it costs that request its time, never its answer.
        """
        method = request.method
        if (
            self._planned is None
            or not self._plain(request.headers, method)
            or (method == "GET" and "query" not in request.query_params)
            or get_current_span().is_recording()
        ):
            return await self.run(request)
        context = await self.get_context(request)
        sent = _posted(await request.body()) if method == "POST" else _asked(request.query_params)
        answered = None
        if sent is not None:
            try:
                answered = await self._planned.answer(*sent, context=context)
            except Exception:
                log.exception("a planned query failed; answering it the ordinary way")
        if answered is None:
            if sent is None or method != "POST":
                return await self.run(request, context=context)
            return await self._executed(request, context, sent)
        response = Response(answered, media_type="application/json")
        if GRAPHQL_RESPONSE in request.headers.get("accept", ""):
            response.headers["content-type"] = f"{GRAPHQL_RESPONSE}; charset=utf-8"
        return response

    async def _executed(self, request: Request, context: Any, sent: GraphQLRequest) -> Response:
        """A plain POST the planner does not answer, executed as Strawberry's view executes
        it, from the request it was read as (`_posted` takes what the view's parsing
        takes, and nothing else): the view's adapters, parsing of the body a second time
        and checks for a stream, an IDE page or a batch decided nothing more for it. A
        mutation runs without Strawberry's operation around its executor
        (schema/direct_mutations.py), unless that hands it back before running it."""
        query, variables, name, extensions = sent
        sub_response = await self.get_sub_response(request)
        result = None
        if self._mutations is not None:
            result = await self._mutations.execute(query, variables, name, extensions, context)
        if result is None:
            result = await self.execute_single(
                request,
                self.request_adapter_class(request),
                sub_response,
                context,
                await self.get_root_value(request),
                GraphQLRequestData(query, variables, name, extensions),
            )
        else:
            self._answer_as_asked(request, sub_response, result)
        response_data = await self.process_result(request, result)
        if result.errors:
            self._handle_errors(result.errors, response_data)
        return self.create_response(response_data, sub_response)

    def _plain(self, headers: Any, method: str) -> bool:
        """Whether a GET, or a POST sending JSON, takes one JSON answer (not a stream of
        results: multipart or server-sent events)."""
        if method == "POST":
            content_type = headers.get("content-type", "")
            if content_type.partition(";")[0].strip().lower() != "application/json":
                return False
        elif method != "GET":
            return False
        accept = headers.get("accept", "")
        plain = self._plain_accepts.get(accept)
        if plain is None:
            plain = self._get_stream_transport_from_headers({"accept": accept}) is None
            if len(self._plain_accepts) < KEPT_ACCEPTS:
                self._plain_accepts[accept] = plain
        return plain

    async def render_graphql_ide(self, request: Request) -> Response:
        """The gateway's own GraphiQL page, whose files it serves itself (not Strawberry's,
        which fetches them from a CDN)."""
        assert self._graphiql is not None
        return self._graphiql.response()

    async def on_ws_connect(self, context: Any) -> None:
        await authenticate_connection(context, self._verifier)

    def decode_json(self, data: str | bytes) -> object:
        """The request body, if it is a GraphQL request (a JSON object); anything else is
        the client's mistake, answered 400 with a code rather than a plain-text 500."""
        try:
            decoded = json.loads(data)
        except RecursionError:
            raise HTTPException(400, "The request body is nested too deeply.") from None
        if isinstance(decoded, list):
            raise HTTPException(
                400, "Send one operation per request as a JSON object; batches are not accepted."
            )
        if not isinstance(decoded, dict):
            raise HTTPException(
                400,
                'The request body must be a JSON object such as {"query": "{ __typename }"}, '
                f"not JSON {'null' if decoded is None else type(decoded).__name__}.",
            )
        return decoded

    async def execute_single(  # type: ignore[override]
        self,
        request: Request,
        request_adapter: Any,
        sub_response: Response,
        context: Any,
        root_value: Any,
        request_data: Any,
    ) -> Any:
        """GraphQL over HTTP's `application/graphql-response+json`, for clients that ask
        for it: a request error (the document or a variable is at fault, nothing was
        executed) is a 400 with no `data`; a field error stays a 200 with `data`."""
        result = await super().execute_single(
            request, request_adapter, sub_response, context, root_value, request_data
        )
        self._answer_as_asked(request, sub_response, result)
        return result

    def _answer_as_asked(self, request: Request, sub_response: Response, result: Any) -> None:
        """GraphQL over HTTP's status and media type for a client that asks for them."""
        if GRAPHQL_RESPONSE in request.headers.get("accept", ""):
            sub_response.graphql_response = True  # type: ignore[attr-defined]
            if result.data is None and result.errors and all(e.path is None for e in result.errors):
                request.state.request_error = True
                sub_response.status_code = 400

    def encode_json(self, data: object) -> str | bytes:
        """A planned query's data is PostgreSQL's JSON text, written as it is."""
        if isinstance(data, dict) and (planned := response_body(data)) is not None:
            return planned
        return super().encode_json(data)

    async def process_result(self, request: Any, result: Any) -> Any:
        processed = await super().process_result(request, result)
        if getattr(request.state, "request_error", False):
            processed.pop("data", None)
        return processed

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        if getattr(sub_response, "graphql_response", False):
            response.headers["content-type"] = f"{GRAPHQL_RESPONSE}; charset=utf-8"
        return response

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            try:
                response = await self.answer(Request(scope=scope, receive=receive))
            except HTTPException as refused:
                response = request_error(refused.status_code, refused.reason)
                if isinstance(refused, RateLimited):
                    response.headers["retry-after"] = str(math.ceil(refused.retry_after))
            await response(scope, receive, send)
            return
        try:
            with self.metrics.websockets.track_inprogress():
                await super().__call__(scope, receive, send)
        finally:
            forget_connection(scope)


def create_app(
    settings: Settings,
    clock: Clock | None = None,
    tracer_provider: TracerProvider | None = None,
) -> Starlette:
    """The app; `clock` (default: the system's) is where use cases read "now";
    `tracer_provider` (default: one from the settings, if tracing is enabled) records
    its spans."""
    if not settings.database_url or not settings.kafka_bootstrap_servers:
        raise ValueError("create_app needs DATABASE_URL and KAFKA_BOOTSTRAP_SERVERS set")
    clock = clock or SystemClock()
    engine = create_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        ping_after_idle_seconds=settings.db_ping_after_idle_seconds,
        timeouts=DatabaseTimeouts(
            connect=settings.db_connect_timeout_seconds,
            pool=settings.db_pool_timeout_seconds,
            unit=settings.db_unit_timeout_seconds,
        ),
    )
    tracing = Tracing.from_settings(settings, tracer_provider)
    if tracing.enabled:
        trace_statements(engine, tracing.tracer)
    broker = BrokerLink(settings.kafka_bootstrap_servers, settings.kafka_client_id)
    metrics = GatewayMetrics()
    metrics.watch_pool(engine, settings.db_pool_size + settings.db_max_overflow)
    events = EventBackbone(
        engine,
        broker,
        settings,
        clock,
        on_dead_lettered=lambda topic: metrics.dead_letters.labels(topic).inc(),
        on_relayed=metrics.events_relayed.inc,
        tracer=tracing.tracer,
    )
    verifier = TokenVerifier(
        secret=signing_secret(settings, create=settings.allow_anonymous),
        jwks_url=settings.jwt_jwks_url,
        audience=settings.jwt_audience,
        issuer=settings.jwt_issuer,
    )
    read_plans = ReadPlanner(settings.parser_cache_size) if settings.planned_reads else None
    graphql_metrics = metrics.graphql if settings.metrics_enabled else None
    contexts = ContextFactory(engine, verifier, settings, events.hub, clock, read_plans)
    schema = build_schema(
        Limits(
            max_depth=settings.max_query_depth,
            max_tokens=settings.max_tokens,
            max_aliases=settings.max_aliases,
            max_document_chars=settings.max_document_chars,
            introspection=settings.introspection or "permission",
            trusted_documents=settings.trusted_documents,
            max_cost=settings.max_query_cost,
            parser_cache_size=settings.parser_cache_size,
            validation_cache_size=settings.validation_cache_size,
        ),
        graphql_metrics,
        tracing.tracer if tracing.enabled else None,
    )
    graphiql = GraphiQLPage() if settings.graphiql else None  # unset: off, as in serve
    operations = KnownOperations(schema, settings.parser_cache_size)
    graphql = GraphQLApp(
        contexts,
        verifier,
        settings.hub_queue_size,
        metrics,
        graphiql,
        tracing.tracer,
        PlannedOperations(schema, read_plans, graphql_metrics, operations)
        if read_plans is not None
        else None,
        DirectMutations(schema, operations, graphql_metrics) if read_plans is not None else None,
        schema=schema,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL),
        max_subscriptions_per_connection=settings.ws_max_operations,
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await ping(engine)
        await broker.start()
        try:
            if settings.kafka_create_topics:
                await broker.ensure_topics(settings.kafka_replication_factor)
            await events.start()
            keeper = (
                asyncio.create_task(
                    broker.keep_topics(
                        settings.kafka_topic_check_seconds, settings.kafka_replication_factor
                    )
                )
                if settings.kafka_create_topics
                else None
            )
            try:
                log.info("gateway ready on /graphql")
                yield
            finally:
                if keeper is not None:
                    keeper.cancel()
                    await asyncio.gather(keeper, return_exceptions=True)
                await events.stop()
        finally:
            await broker.close()
            await engine.dispose()
            tracing.shutdown()

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> JSONResponse:
        checks: dict[str, Any] = {}
        for name, probe in (("database", ping(engine)), ("broker", broker.ping())):
            try:
                await asyncio.wait_for(probe, 3)
                checks[name] = "ok"
            except Exception as error:
                checks[name] = f"unreachable: {type(error).__name__}: {error}"
        outbox: dict[str, Any] = {"healthy": False}
        if checks["database"] == "ok":
            outbox = await events.lag()
        ready = checks["database"] == "ok" and checks["broker"] == "ok" and outbox["healthy"]
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "checks": checks, "outbox": outbox},
            status_code=200 if ready else 503,
        )

    async def exposition(request: Request) -> Response:
        return await metrics.exposition(events)

    app = Starlette(
        routes=[
            Route(
                "/graphql",
                _traced(
                    _admitted(
                        CorrelatedRequests(
                            LimitedBody(
                                IdempotentMutations(
                                    graphql,
                                    contexts,
                                    timedelta(seconds=settings.idempotency_key_ttl_seconds),
                                ),
                                settings.max_request_bytes,
                            )
                        ),
                        settings,
                        metrics,
                    ),
                    tracing,
                ),
                methods=["GET", "POST"],
            ),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            *([Route("/metrics", exposition)] if settings.metrics_enabled else []),
            *([graphiql.assets_route()] if graphiql else []),
            WebSocketRoute("/graphql", graphql),
        ],
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.events = events
    return app


GraphQLRequest = tuple[str, dict[str, Any] | None, str | None, dict[str, Any] | None]
"""A request's query, variables, operation name and extensions."""


def _posted(body: bytes) -> GraphQLRequest | None:
    """The GraphQL request a POST's body is, read as Strawberry's view reads it."""
    try:
        return _graphql_request(json.loads(body))
    except (ValueError, RecursionError):
        return None


def _asked(parameters: Mapping[str, str]) -> GraphQLRequest | None:
    """The GraphQL request a GET's parameters are, read as Strawberry's view reads them."""
    sent: dict[str, Any] = dict(parameters)
    try:
        for name in ("variables", "extensions"):
            if sent.get(name):
                sent[name] = json.loads(sent[name])
    except (ValueError, RecursionError):
        return None
    return _graphql_request(sent)


def _graphql_request(sent: object) -> GraphQLRequest | None:
    """`sent` as one plain GraphQL request; None for anything Strawberry's view would
    refuse or read otherwise."""
    if not isinstance(sent, dict):
        return None
    query, variables = sent.get("query"), sent.get("variables")
    name, extensions = sent.get("operationName"), sent.get("extensions")
    if (
        not isinstance(query, str)
        or not isinstance(variables, dict | None)
        or not isinstance(name, str | None)
        or not isinstance(extensions, dict | None)
    ):
        return None
    return query, variables, name, extensions


def _admitted(app: ASGIApp, settings: Settings, metrics: GatewayMetrics) -> ASGIApp:
    """`app` running `MAX_CONCURRENT_REQUESTS` requests at once (gateway/admission.py), or
    all of them when that is 0."""
    if settings.max_concurrent_requests <= 0:
        return app
    return AdmittedRequests(
        app,
        settings.max_concurrent_requests,
        settings.admission_wait_seconds,
        metrics.requests_waiting,
        metrics.requests_over_limit,
    )


def _traced(app: ASGIApp, tracing: Tracing) -> ASGIApp:
    """`app` inside a server span continuing the request's trace context, when tracing.

    Only GraphQL over HTTP: probes and scrapes are not worth a trace, and a websocket's
    operations are traced one by one (`gateway/websocket_spans.py`).
    """
    return RequestSpans(app, tracing.tracer) if tracing.enabled else app
