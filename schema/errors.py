"""The one mapping from failures to what a GraphQL client sees.

- A `DomainError` becomes a top-level error with `extensions.code` (and
  `extensions.field` when one input is at fault); a group of field errors becomes one
  error per field.
- A GraphQL error keeps graphql-core's message and gets a code by when it was found:
  `GRAPHQL_PARSE_FAILED` (syntax), `GRAPHQL_VALIDATION_FAILED` (the document breaks the
  schema's rules, an unused variable included), `BAD_USER_INPUT` (a variable's value).
- Anything else is unexpected: logged with a trace id and masked, so no internal detail
  reaches the client; the trace id in the response finds the log line.
"""

from __future__ import annotations

import logging
import uuid

from graphql import GraphQLError, GraphQLSyntaxError
from opentelemetry.trace import format_trace_id, get_current_span
from strawberry.extensions import MaskErrors

from domain.errors import DomainError
from schema.introspection import may_introspect, without_suggestions

log = logging.getLogger("gateway.errors")

INTERNAL_MESSAGE = "Unexpected error; report the traceId to support."


def _is_unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, (DomainError, GraphQLError))


def domain_errors(error: GraphQLError) -> list[GraphQLError]:
    """Expand one raised error into the client errors it stands for."""
    original = error.original_error
    if isinstance(original, DomainError):
        return [
            GraphQLError(
                each.message,
                nodes=error.nodes,
                path=error.path,
                extensions={
                    "code": each.code,
                    **({"field": each.field} if each.field else {}),
                    **each.details,
                },
            )
            for each in original.each()
        ]
    graphql_level = original is None or isinstance(original, GraphQLError)
    if graphql_level and not (error.extensions or {}).get("code"):
        if isinstance(error, GraphQLSyntaxError) and TOKEN_LIMIT not in error.message:
            code = "GRAPHQL_PARSE_FAILED"
        elif _is_variable_value_error(error.message):
            code = "BAD_USER_INPUT"
        else:
            code = "GRAPHQL_VALIDATION_FAILED"
        error.extensions = {**(error.extensions or {}), "code": code}
    return [error]


TOKEN_LIMIT = "Document contains more than"
"""graphql-core reports the token limit as a syntax error; it is a limit, coded as one."""
VARIABLE_VALUE_FAULTS = (" has invalid value", " was not provided", " must not be null")
"""How graphql-core words a variable *value* it could not coerce. Its validation rules
about variables ("Variable '$x' is never used", "... is not defined", "... used in
position expecting ...") are faults of the document, not of the values sent."""


def _is_variable_value_error(message: str) -> bool:
    return message.startswith("Variable '$") and any(
        fault in message for fault in VARIABLE_VALUE_FAULTS
    )


class ErrorContract(MaskErrors):
    """Strawberry's MaskErrors, plus the domain codes and a trace id on masked errors."""

    def __init__(self, introspection: str = "on") -> None:
        super().__init__(should_mask_error=_is_unexpected, error_message=INTERNAL_MESSAGE)
        self._introspection = introspection

    def _process_result(self, result: object) -> None:
        """As MaskErrors's, without its `isinstance` against a runtime-checkable Protocol
        (an attribute lookup through `typing`, 11 µs on every request): a result with
        errors is whatever has them."""
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = self._process_errors(errors)  # type: ignore[attr-defined]

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        masked = super()._process_errors(errors)
        mapped = [mapped for error in masked for mapped in domain_errors(error)]
        if self._introspection == "on" or (
            self._introspection == "permission" and may_introspect(self.execution_context.context)
        ):
            return mapped
        for error in mapped:
            error.message = without_suggestions(error.message)
        return mapped

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        """The error masked, with a `traceId` to quote to support: the request's
        OpenTelemetry trace when it is traced (so the report leads to its spans), else
        a random id of the same form that leads to the log line."""
        span = get_current_span().get_span_context()
        trace_id = format_trace_id(span.trace_id) if span.is_valid else uuid.uuid4().hex
        log.error(
            "unexpected error in GraphQL operation (traceId=%s, path=%s)",
            trace_id,
            error.path,
            exc_info=error.original_error,
        )
        return GraphQLError(
            INTERNAL_MESSAGE,
            nodes=error.nodes,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR", "traceId": trace_id},
        )
