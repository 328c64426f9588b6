"""Documents parsed and validated once, while they stay among the last ones seen.

One extension does what four of Strawberry's did (`ParserCache`, `ValidationCache`,
`AddValidationRules`, `MaxTokensLimiter`): Strawberry makes every extension anew for
each request and wraps each of its hooks, which cost a planned read more than the
parsing and validation the caches saved. And `ValidationCache` keys its cache by the
parsed document, whose hash walks every node of it on every request. Here a text is
parsed with the token limit once, and the parser cache hands back the same document
object for the same text, so validation is kept by the object's identity (the entry
holds the document, so its id cannot be reused while the entry lives). Validation
depends only on the schema, the document and the rules, all fixed per entry, so a kept
verdict is the one validating again would give.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from graphql import DocumentNode, GraphQLError, parse
from graphql.validation import ASTValidationRule
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

Rules = tuple[type[ASTValidationRule], ...]


class KnownDocuments:
    """The last `parsed` documents parsed (within `max_tokens`), and the last `validated`
    validated with the schema's rules plus `limit_rules` (the depth and alias limits)."""

    def __init__(
        self,
        parsed: int,
        validated: int,
        max_tokens: int,
        limit_rules: Sequence[type[ASTValidationRule]],
    ):
        self._size = validated
        self._max_tokens = max_tokens
        self._limit_rules = tuple(limit_rules)
        self.parsed = lru_cache(maxsize=parsed)(self._parse)
        self._validated: OrderedDict[tuple[int, Rules], tuple[DocumentNode, list[GraphQLError]]]
        self._validated = OrderedDict()

    def _parse(self, query: str) -> DocumentNode:
        return parse(query, max_tokens=self._max_tokens)

    def errors(self, schema: Any, document: DocumentNode, rules: Rules) -> list[GraphQLError]:
        """Why `document` is invalid for `schema` under `rules` and the limits (mostly: no
        reason)."""
        key = (id(document), rules)
        entry = self._validated.get(key)
        if entry is not None and entry[0] is document:
            self._validated.move_to_end(key)
            return entry[1]
        errors = validate_document(schema, document, (*rules, *self._limit_rules))
        self._validated[key] = (document, errors)
        if len(self._validated) > self._size:
            self._validated.popitem(last=False)
        return errors


class DocumentChecks(SchemaExtension):
    def __init__(self, documents: KnownDocuments):
        super().__init__()
        self._documents = documents

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        context.graphql_document = self._documents.parsed(context.query)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        context.pre_execution_errors = self._documents.errors(
            context.schema._schema, context.graphql_document, tuple(context.validation_rules)
        )
        yield
