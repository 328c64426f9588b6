"""The whole schema: every area's queries and mutations joined, with the safety extensions."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import strawberry
from graphql import GraphQLError, GraphQLSyntaxError, parse
from opentelemetry.trace import Tracer
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.execution import PreExecutionError

from schema.audit.queries import AuditQueries
from schema.catalog.mutations import CatalogMutations
from schema.catalog.queries import CatalogQueries
from schema.cost import CostCache, CostLimit
from schema.customers.mutations import CustomerMutations
from schema.customers.queries import CustomerQueries
from schema.dashboard.queries import DashboardQueries
from schema.documents import DocumentChecks, KnownDocuments
from schema.errors import ErrorContract, domain_errors
from schema.estimates.mutations import EstimateMutations
from schema.estimates.queries import EstimateQueries
from schema.estimates.subscriptions import EstimateSubscriptions
from schema.events.subscriptions import EventSubscriptions
from schema.execution import AcyclicExecutionContext
from schema.extension_hooks import DirectHooks
from schema.finance.mutations import FinanceLockMutations
from schema.finance.queries import FinanceQueries
from schema.input_checks import CHECKED_DECIMAL, TextLiterals, variables_problem
from schema.input_conversion import plan_inputs
from schema.introspection import asks_for_schema, may_introspect
from schema.inventory.customer_view_queries import CustomerInventoryQueries
from schema.inventory.mutations import StockMutations
from schema.inventory.pricing_mutations import CustomerPricingMutations
from schema.inventory.pricing_queries import CustomerPricingQueries
from schema.inventory.queries import StockQueries
from schema.inventory.reservation_mutations import ReservationMutations
from schema.inventory.shortages import ShortageQueries
from schema.inventory.subscriptions import StockSubscriptions
from schema.locations.mutations import LocationMutations
from schema.locations.queries import LocationQueries
from schema.metrics import GraphQLMetrics, OperationMetrics
from schema.persisted_documents import PersistedDocuments
from schema.pricing.mutations import PricingMutations
from schema.pricing.queries import PricingQueries
from schema.receivables.credit_mutations import CreditControlMutations
from schema.receivables.credit_queries import CreditControlQueries
from schema.receivables.mutations import ReceivablesMutations
from schema.receivables.payment_subscriptions import PaymentSubscriptions
from schema.receivables.payments import PaymentMutations, PaymentQueries
from schema.receivables.queries import ReceivablesQueries
from schema.receivables.reports import ReceivablesReportQueries
from schema.receivables.subscriptions import ReceivablesSubscriptions
from schema.sales.backorders import BackorderMutations, BackorderQueries
from schema.sales.mutations import SalesOrderMutations
from schema.sales.opportunities import OpportunityMutations, OpportunityQueries
from schema.sales.queries import SalesOrderQueries
from schema.sales.subscriptions import SalesSubscriptions
from schema.sales.sync import SyncMutations
from schema.service_orders.mutations import ServiceOrderMutations
from schema.service_orders.queries import ServiceOrderQueries
from schema.service_orders.subscriptions import ServiceOrderSubscriptions
from schema.sla.subscriptions import SlaSubscriptions
from schema.tracing import OperationSpans, OperationTracing

log = logging.getLogger("gateway.graphql")


@strawberry.type
class Query(
    CustomerQueries,
    CatalogQueries,
    PricingQueries,
    LocationQueries,
    FinanceQueries,
    DashboardQueries,
    EstimateQueries,
    AuditQueries,
    ServiceOrderQueries,
    StockQueries,
    ShortageQueries,
    CustomerPricingQueries,
    SalesOrderQueries,
    BackorderQueries,
    OpportunityQueries,
    CustomerInventoryQueries,
    ReceivablesQueries,
    CreditControlQueries,
    PaymentQueries,
    ReceivablesReportQueries,
):
    pass


@strawberry.type
class Mutation(
    CustomerMutations,
    CatalogMutations,
    PricingMutations,
    LocationMutations,
    EstimateMutations,
    FinanceLockMutations,
    ServiceOrderMutations,
    StockMutations,
    ReservationMutations,
    CustomerPricingMutations,
    SalesOrderMutations,
    BackorderMutations,
    SyncMutations,
    OpportunityMutations,
    ReceivablesMutations,
    CreditControlMutations,
    PaymentMutations,
):
    pass


class GatewaySchema(strawberry.Schema):
    """Strawberry's schema, with four things it does not do by itself.

    It leaves logging to ErrorContract, which logs unexpected errors once, with a trace
    id (Strawberry logs every error with a traceback, including a clerk's typo in a VIN,
    which buries the failures that matter). It refuses variables no field can take before
    execution (schema/input_checks.py). And it answers a document that does not parse,
    or has more tokens than allowed, with a coded error on every path: over HTTP such
    errors skip the extensions' processing, and on a websocket the parser cache raises
    where the protocols expect a result, leaving the client a bare `complete`. And it
    gives each operation its span (schema/tracing.py) without an extension's hooks on
    every request.
    """

    def __init__(
        self,
        *args: Any,
        max_tokens: int,
        max_document_chars: int,
        introspection: str,
        documents: PersistedDocuments,
        metrics: GraphQLMetrics | None,
        tracer: Tracer | None,
        known_documents: KnownDocuments,
        costs: CostCache,
        max_cost: int,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self._documents = documents
        self.known_documents = known_documents
        """The parsed and validated documents `DocumentChecks` keeps."""
        self.costs = costs
        """The costs `CostLimit` keeps, and the most it lets an operation cost."""
        self.max_cost = max_cost
        self._metrics = metrics
        self._spans = OperationSpans(tracer) if tracer is not None else None
        self._stream_extensions = [partial(OperationTracing, tracer)] if tracer is not None else []
        self._max_tokens = max_tokens
        self._max_document_chars = max_document_chars
        self._introspection = introspection

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            log.debug("GraphQL error: %s", error.message)

    async def execute(  # type: ignore[override]
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> ExecutionResult:
        query, refused = self.checked(
            query, variable_values, kwargs.get("operation_extensions"), kwargs.get("context_value")
        )
        if refused is not None:
            self._count_refusal(refused)
            return ExecutionResult(data=None, errors=[refused])
        if self._spans is None:
            return await self._executed(query, variable_values, *args, **kwargs)
        return await self._spans.traced(
            query,
            kwargs.get("operation_name"),
            lambda: self._executed(query, variable_values, *args, **kwargs),
        )

    def checked(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None,
        extensions: dict[str, Any] | None,
        context: Any,
    ) -> tuple[str | None, GraphQLError | None]:
        """The document a request runs, or why it is refused before it is parsed (the
        persisted documents, the length limit, the variables' text, introspection's gate):
        for `execute` and for the planned queries' own way (schema/planned_operations.py)."""
        query, refused = self._documents.document(query, extensions)
        refused = (
            refused
            or self._too_long(query)
            or variables_problem(variable_values)
            or self._closed_introspection(query, context)
        )
        return query, refused

    async def _executed(
        self, query: str | None, variable_values: dict[str, Any] | None, *args: Any, **kwargs: Any
    ) -> ExecutionResult:
        result = await super().execute(query, variable_values, *args, **kwargs)
        if result.errors:
            result.errors = self.coded(result.errors)
        return result

    @staticmethod
    def coded(errors: list[GraphQLError]) -> list[GraphQLError]:
        """The errors of an executed request as its client sees them: a document that does
        not parse never reaches the extensions' error processing, so the one mapping codes
        it here (it leaves coded errors alone); for `execute` and the direct mutations."""
        return [mapped for error in errors for mapped in domain_errors(error)]

    async def stream(  # type: ignore[override]
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        query, refused = self._documents.document(query, kwargs.get("operation_extensions"))
        refused = (
            refused
            or self._too_long(query)
            or variables_problem(variable_values)
            or self._unparsable(query)
            or self._closed_introspection(query, kwargs.get("context_value"))
        )
        if refused is not None:
            self._count_refusal(refused)
            return _refusal(refused)
        streaming = _STREAMING.set(True)
        try:
            return await super().stream(query, variable_values, *args, **kwargs)
        finally:
            _STREAMING.reset(streaming)

    def get_extensions(self, sync: bool = False) -> list[SchemaExtension]:
        """Strawberry's, and for a streamed operation its span's (schema/tracing.py)."""
        extensions = super().get_extensions(sync)
        if _STREAMING.get():
            # First, so the span wraps the others and sees the errors as ErrorContract codes them.
            extensions[:0] = [extension() for extension in self._stream_extensions]
        return extensions

    def create_extensions_runner(
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension]
    ) -> DirectHooks:
        """The extensions' hooks run without a context manager made per hook and request
        (schema/extension_hooks.py)."""
        return DirectHooks(execution_context=execution_context, extensions=extensions)

    def _count_refusal(self, error: GraphQLError) -> None:
        """Refusals never reach the extensions, so `OperationMetrics` does not see them."""
        if self._metrics is not None:
            self._metrics.refused(error)

    def _closed_introspection(self, query: str | None, context: Any) -> GraphQLError | None:
        """FORBIDDEN for a document reading `__schema` or `__type` when the caller may not."""
        if self._introspection == "on" or not query or not asks_for_schema(query):
            return None
        if self._introspection == "permission" and may_introspect(context):
            return None
        return GraphQLError(
            "Introspecting the schema needs the gateway:schema:introspect permission"
            + (" (it is off on this gateway)." if self._introspection == "off" else "."),
            extensions={"code": "FORBIDDEN"},
        )

    def _too_long(self, query: str | None) -> GraphQLError | None:
        """A document longer than the limit, refused before it is parsed or cached."""
        if query is None or len(query) <= self._max_document_chars:
            return None
        return GraphQLError(
            f"The document is {len(query)} characters long; the most this gateway accepts "
            f"is {self._max_document_chars}. Send a shorter document.",
            extensions={"code": "DOCUMENT_TOO_LARGE"},
        )

    def _unparsable(self, query: str | None) -> GraphQLError | None:
        """Why `query` does not parse within the token limit, as a coded error, or None."""
        try:
            parse(query or "", max_tokens=self._max_tokens)
        except GraphQLSyntaxError as error:
            [coded] = domain_errors(error)
            return coded
        return None


_STREAMING: ContextVar[bool] = ContextVar("streaming", default=False)
"""Set while `GatewaySchema.stream` has Strawberry set up a streamed operation."""


async def _refusal(error: GraphQLError) -> AsyncIterator[PreExecutionError]:
    """A streamed operation refused before it starts, as the websocket protocols expect."""
    yield PreExecutionError(data=None, errors=[error])


@strawberry.type
class Subscription(
    EventSubscriptions,
    SlaSubscriptions,
    EstimateSubscriptions,
    ServiceOrderSubscriptions,
    StockSubscriptions,
    SalesSubscriptions,
    ReceivablesSubscriptions,
    PaymentSubscriptions,
):
    pass


@dataclass(frozen=True)
class Limits:
    """Bounds that keep one request from exhausting the server (see ARCHITECTURE.md)."""

    max_depth: int = 10
    max_tokens: int = 2000
    max_aliases: int = 30
    max_document_chars: int = 50_000
    introspection: str = "permission"
    trusted_documents: Path | None = None
    max_cost: int = 5000
    """A manifest of the only documents to run (schema/persisted_documents.py)."""
    """"on" (everyone), "permission" (callers with schema:introspect) or "off"."""
    parser_cache_size: int = 256
    validation_cache_size: int = 256


def build_schema(
    limits: Limits | None = None,
    metrics: GraphQLMetrics | None = None,
    tracer: Tracer | None = None,
) -> GatewaySchema:
    """The schema; with `metrics`, every operation is counted and timed into them; with
    `tracer`, each gets a span."""
    limits = limits or Limits()
    # The limiters make a new rule class per instance, and validation is kept per rules:
    # made per request, every request was validated afresh (a quarter of a mutation's
    # time). Made once here, a document already seen is not validated again.
    limit_rules = [
        *QueryDepthLimiter(max_depth=limits.max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=limits.max_aliases).validation_rules,
        TextLiterals,
    ]
    documents = KnownDocuments(
        limits.parser_cache_size, limits.validation_cache_size, limits.max_tokens, limit_rules
    )
    costs = CostCache(limits.parser_cache_size)
    schema = GatewaySchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        max_tokens=limits.max_tokens,
        max_document_chars=limits.max_document_chars,
        introspection=limits.introspection,
        documents=PersistedDocuments.from_manifest(limits.trusted_documents),
        metrics=metrics,
        tracer=tracer,
        known_documents=documents,
        costs=costs,
        max_cost=limits.max_cost,
        execution_context_class=AcyclicExecutionContext,
        scalar_overrides={Decimal: CHECKED_DECIMAL},
        extensions=[
            *([partial(OperationMetrics, metrics)] if metrics is not None else []),
            partial(ErrorContract, introspection=limits.introspection),
            partial(DocumentChecks, documents),
            partial(CostLimit, maximum=limits.max_cost, costs=costs),
        ],
    )
    plan_inputs(schema)
    return schema
