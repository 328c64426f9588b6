"""The operation a GraphQL request would run, read before Strawberry sees the request.

The idempotency middleware (is it a mutation?) and subscription sharing (does it
replay?) both need it ahead of execution; a client sends the same few documents over
and over, so each is parsed once.
"""

from __future__ import annotations

from functools import lru_cache

from graphql import DocumentNode, GraphQLError, OperationDefinitionNode, parse
from graphql.utilities import get_operation_ast


@lru_cache(maxsize=256)
def operation_of(
    query: str, operation_name: str | None
) -> tuple[DocumentNode, OperationDefinitionNode] | None:
    """The parsed document and its selected operation; None when there is none to run."""
    try:
        document = parse(query)
    except GraphQLError:
        return None
    operation = get_operation_ast(document, operation_name)
    return None if operation is None else (document, operation)
