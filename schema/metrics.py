"""What Prometheus counts of GraphQL operations: how many, how they ended, how long they took.

Labels stay bounded, so a hostile or careless client cannot grow the gateway's memory
or the monitoring system's series:
- the operation name is that of a document that passed validation, and only the first
  `MAX_OPERATION_NAMES` distinct ones (then `other`); a document that did not parse or
  validate is `anonymous`, as is a valid one without a name. Query text is never a label.
- the outcome is a class, not a message: `ok`, `client_error` (the request or the data
  it names is at fault) or `server_error` (the gateway or its database failed);
- errors are counted by `extensions.code`, a closed set of the gateway's codes.

Subscriptions are not timed here (one lasts as long as its socket); the gateway counts
the open ones. Nothing is measured per field: that would cost more than the resolvers.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator

from graphql import GraphQLError
from prometheus_client import CollectorRegistry, Counter, Histogram
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from schema.errors import domain_errors

MAX_OPERATION_NAMES = 200
SERVER_FAULTS = frozenset(
    {"INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE", "CATALOG_SERVICE_UNAVAILABLE"}
)
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
"""From a cached read (about a millisecond) to the database's statement timeout."""
UNKNOWN_TYPE = "unknown"
"""The operation type of a request refused before its document was parsed."""


class GraphQLMetrics:
    def __init__(self, registry: CollectorRegistry):
        self.requests = Counter(
            "graphql_requests",
            "GraphQL queries and mutations answered, by operation and outcome.",
            ["operation_type", "operation_name", "outcome"],
            registry=registry,
        )
        self.duration = Histogram(
            "graphql_request_duration_seconds",
            "Time from receiving a parsed request to its result, by operation.",
            ["operation_type", "operation_name"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.errors = Counter(
            "graphql_errors",
            "GraphQL errors answered, by extensions.code.",
            ["code"],
            registry=registry,
        )
        self._names: set[str] = set()
        self._kept: dict[tuple[str, str, str], tuple[Counter, Histogram]] = {}

    def observe(
        self,
        operation_type: str,
        name: str,
        errors: Iterable[GraphQLError],
        seconds: float,
    ) -> None:
        codes = [error_code(error) for error in errors]
        for code in codes:
            self.errors.labels(code).inc()
        requests, duration = self._series(operation_type, name, _outcome(codes))
        requests.inc()
        duration.observe(seconds)

    def _series(self, operation_type: str, name: str, outcome: str) -> tuple[Counter, Histogram]:
        """The request counter's and the histogram's series for these labels, looked up
        once (`labels` validates and locks on every call: a few µs of every request).
        The names are bounded (`label_of`), so are the series kept."""
        key = (operation_type, name, outcome)
        found = self._kept.get(key)
        if found is None:
            found = self._kept[key] = (
                self.requests.labels(operation_type, name, outcome),
                self.duration.labels(operation_type, name),
            )
        return found

    def refused(self, error: GraphQLError) -> None:
        """A request refused before its document was parsed (too long, untrusted, ...)."""
        self.observe(UNKNOWN_TYPE, "anonymous", [error], 0.0)

    def label_of(self, name: str | None) -> str:
        """`name` as a label: bounded by `MAX_OPERATION_NAMES`."""
        if not name:
            return "anonymous"
        if name not in self._names:
            if len(self._names) >= MAX_OPERATION_NAMES:
                return "other"
            self._names.add(name)
        return name


def error_code(error: GraphQLError) -> str:
    """The `extensions.code` a client sees for `error`."""
    code = (error.extensions or {}).get("code")
    if code is None:
        # A document that does not parse gets its code after the extensions have run.
        code = (domain_errors(error)[0].extensions or {}).get("code")
    return str(code or "UNCODED")


def _outcome(codes: list[str]) -> str:
    if not codes:
        return "ok"
    return "server_error" if SERVER_FAULTS.intersection(codes) else "client_error"


class OperationMetrics(SchemaExtension):
    """Times each query and mutation and counts how it ended, into `GraphQLMetrics`.

    Registered first, it wraps the other extensions: it sees the errors as the client
    will, masked and coded by `ErrorContract`.
    """

    def __init__(self, metrics: GraphQLMetrics):
        super().__init__()
        self._metrics = metrics
        self._validated = False

    def on_validate(self) -> Iterator[None]:
        yield
        self._validated = not self.execution_context.pre_execution_errors

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        try:
            operation_type = context.operation_type
        except RuntimeError:
            operation_type = None
        if operation_type is OperationType.SUBSCRIPTION:
            return
        result = context.result
        self._metrics.observe(
            operation_type.value if operation_type is not None else UNKNOWN_TYPE,
            self._metrics.label_of(context.operation_name if self._validated else None),
            (result.errors if result is not None else None) or [],
            time.perf_counter() - started,
        )
