"""The one error mapping, on a tiny schema executed without HTTP."""

from __future__ import annotations

import logging

import pytest
import strawberry
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import format_trace_id

from domain.errors import InvalidInput, InvalidInputs, NotFound
from schema.errors import INTERNAL_MESSAGE, ErrorContract


@strawberry.type
class Query:
    @strawberry.field
    def missing(self) -> str:
        raise NotFound("Customer", "CUST-404", code="CUSTOMER_NOT_FOUND")

    @strawberry.field
    def two_bad_fields(self) -> str:
        raise InvalidInputs([InvalidInput("bad a", field="a"), InvalidInput("bad b", field="b")])

    @strawberry.field
    def crash(self) -> str:
        raise RuntimeError("password=hunter2 at db-host-7")


schema = strawberry.Schema(query=Query, extensions=[ErrorContract])


async def test_a_domain_error_reaches_the_client_with_its_code_and_message() -> None:
    result = await schema.execute("{ missing }")
    [error] = result.errors or []
    assert error.message == "Customer 'CUST-404' was not found."
    assert error.extensions == {"code": "CUSTOMER_NOT_FOUND"}


async def test_several_faulty_fields_become_one_error_each() -> None:
    result = await schema.execute("{ twoBadFields }")
    assert [(e.message, e.extensions) for e in result.errors or []] == [
        ("bad a", {"code": "BAD_USER_INPUT", "field": "a"}),
        ("bad b", {"code": "BAD_USER_INPUT", "field": "b"}),
    ]


async def test_an_unexpected_error_is_masked_and_logged_with_its_trace_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="gateway.errors"):
        result = await schema.execute("{ crash }")
    [error] = result.errors or []
    assert error.message == INTERNAL_MESSAGE
    assert "hunter2" not in str(error.formatted)
    assert error.extensions and error.extensions["code"] == "INTERNAL_SERVER_ERROR"
    assert error.extensions["traceId"] in caplog.text
    assert "hunter2" in caplog.text


async def test_a_query_against_an_unknown_field_is_a_validation_failure() -> None:
    result = await schema.execute("{ nothingHere }")
    [error] = result.errors or []
    assert error.extensions == {"code": "GRAPHQL_VALIDATION_FAILED"}
    assert "nothingHere" in error.message


async def test_an_unexpected_error_in_a_traced_request_names_the_requests_trace() -> None:
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("POST /graphql") as span:
        result = await schema.execute("{ crash }")
    [error] = result.errors or []
    assert error.extensions is not None
    assert error.extensions["traceId"] == format_trace_id(span.get_span_context().trace_id)
