"""Errors answered before GraphQL runs, in the GraphQL response shape every client handles.

A body that is not a GraphQL request (JSON `null`, a string, an array, nesting deeper
than any document needs, broken JSON, a wrong content type) is the client's mistake: it
gets a 4xx with `errors[0].extensions.code`, never a plain-text 500. The same shape
serves the idempotency layer's refusals.
"""

from __future__ import annotations

from starlette.responses import JSONResponse

CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}


def graphql_error(code: str, message: str, status_code: int = 200) -> JSONResponse:
    """One error, no data, with its stable code."""
    return JSONResponse(
        {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]},
        status_code=status_code,
    )


def request_error(status_code: int, reason: str) -> JSONResponse:
    """A request refused before execution (`status_code` 4xx), with the code of its status."""
    return graphql_error(CODES.get(status_code, "BAD_REQUEST"), reason, status_code)
