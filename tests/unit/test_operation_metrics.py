"""Operation names as metric labels stay bounded however many a client invents."""

from __future__ import annotations

from graphql import GraphQLError
from prometheus_client import CollectorRegistry

from schema.metrics import MAX_OPERATION_NAMES, GraphQLMetrics


def test_names_beyond_the_limit_are_counted_as_other_and_known_ones_keep_theirs() -> None:
    metrics = GraphQLMetrics(CollectorRegistry())
    for number in range(MAX_OPERATION_NAMES):
        assert metrics.label_of(f"Operation{number}") == f"Operation{number}"
    assert metrics.label_of("OneTooMany") == "other"
    assert metrics.label_of("Operation0") == "Operation0"
    assert metrics.label_of(None) == "anonymous"


def test_an_internal_error_among_others_makes_the_outcome_a_server_error() -> None:
    registry = CollectorRegistry()
    metrics = GraphQLMetrics(registry)
    errors = [
        GraphQLError("no such customer", extensions={"code": "NOT_FOUND"}),
        GraphQLError("masked", extensions={"code": "INTERNAL_SERVER_ERROR"}),
    ]
    metrics.observe("query", "Board", errors, 0.003)
    labels = {"operation_type": "query", "operation_name": "Board"}
    assert (
        registry.get_sample_value("graphql_requests_total", {**labels, "outcome": "server_error"})
        == 1
    )
    assert registry.get_sample_value("graphql_errors_total", {"code": "NOT_FOUND"}) == 1
    assert (
        registry.get_sample_value(
            "graphql_request_duration_seconds_bucket", {**labels, "le": "0.0025"}
        )
        == 0
    )
    assert (
        registry.get_sample_value(
            "graphql_request_duration_seconds_bucket", {**labels, "le": "0.005"}
        )
        == 1
    )
