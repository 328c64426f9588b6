"""Who may introspect the schema (and read field suggestions in error messages).

A production gateway should not hand its whole schema, or "Did you mean" hints about it,
to anyone who asks. `INTROSPECTION` chooses: `on` for everyone (`gateway dev`), `permission`
for callers with gateway:schema:introspect (the default of `gateway serve`), or `off`.
"""

from __future__ import annotations

import re
from typing import Any

from graphql import FieldNode, GraphQLSyntaxError, parse, visit
from graphql.language import Visitor

from domain.identity import Permission

SCHEMA_FIELDS = frozenset({"__schema", "__type"})
SUGGESTION = re.compile(r" Did you mean [^?]*\?")


class _SchemaReads(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        if node.name.value in SCHEMA_FIELDS:
            self.found = True


def asks_for_schema(query: str) -> bool:
    """Whether the document selects `__schema` or `__type` (`__typename` is not
    introspection). Parsed only when the text names one of them."""
    if "__schema" not in query and "__type" not in query.replace("__typename", ""):
        return False
    try:
        document = parse(query)
    except GraphQLSyntaxError:
        return False
    reads = _SchemaReads()
    visit(document, reads)
    return reads.found


def may_introspect(context: Any) -> bool:
    principal = getattr(context, "principal", None)
    return principal is not None and Permission.SCHEMA_INTROSPECT in principal.permissions


def without_suggestions(message: str) -> str:
    """graphql-core's message with its "Did you mean ...?" hints taken out."""
    return SUGGESTION.sub("", message)
