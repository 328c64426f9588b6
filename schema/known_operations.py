"""The valid operation a document names, kept per document text and operation name.

Both ways past Strawberry's execution (planned queries, schema/planned_operations.py,
and direct mutations, schema/direct_mutations.py) need what Strawberry's parsing,
validation and graphql-core's choice of the operation decide before anything runs. The
document is parsed (within the token limit) and validated with Strawberry's rules and
the limits' rules from the same caches Strawberry's way uses (`KnownDocuments`), so a
document is parsed and validated once for every way; the operation is picked as
graphql-core picks it. The outcome is kept for the last `size` documents and operation
names: a valid operation, or None for anything else (a syntax or validation error, no
single operation of that name, a fragment with variables), which Strawberry's way then
answers with its errors.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    OperationDefinitionNode,
    specified_rules,
)
from graphql.execution.values import VariableValues, get_variable_values

if TYPE_CHECKING:
    from schema.root import GatewaySchema

UNSEEN: Any = object()
"""A document and operation not looked at yet (`KnownOperations.seen`)."""
RULES = tuple(specified_rules)
"""The rules Strawberry validates with (its `ExecutionContext.validation_rules`), so the
verdict kept for them in `KnownDocuments` is the one every way shares."""


@dataclass(frozen=True, slots=True)
class ValidOperation:
    """A valid operation of a document: what graphql-core's executor would be built from."""

    document: DocumentNode
    operation: OperationDefinitionNode
    name: str | None
    """The operation's name as Strawberry reports it (the one asked for, else its own)."""
    fragments: dict[str, FragmentDefinitionNode]
    no_variables: VariableValues | None
    """The coerced (empty) variables of an operation that declares none."""


class KnownOperations:
    def __init__(self, schema: GatewaySchema, size: int = 256):
        self._schema = schema
        self._size = size
        self._found: OrderedDict[tuple[str, str | None], ValidOperation | None] = OrderedDict()

    def seen(self, query: str | None, operation_name: str | None) -> ValidOperation | None:
        """What is kept for this document and operation, or `UNSEEN`; nothing is parsed."""
        return self._found.get((query, operation_name), UNSEEN)  # type: ignore[arg-type]

    def operation(self, query: str, operation_name: str | None) -> ValidOperation | None:
        key = (query, operation_name)
        if key in self._found:
            self._found.move_to_end(key)
            return self._found[key]
        found = self._found[key] = self._valid(query, operation_name)
        if len(self._found) > self._size:
            self._found.popitem(last=False)
        return found

    def _valid(self, query: str, operation_name: str | None) -> ValidOperation | None:
        """The operation `operation_name` of `query` if the document is valid, as
        graphql-core's executor picks it; None for anything else."""
        known = self._schema.known_documents
        graphql = self._schema._schema
        try:
            document = known.parsed(query)
        except Exception:  # a syntax error, or nesting past the interpreter's limit
            return None
        if known.errors(graphql, document, RULES):
            return None
        operation: OperationDefinitionNode | None = None
        fragments: dict[str, FragmentDefinitionNode] = {}
        for definition in document.definitions:
            if isinstance(definition, FragmentDefinitionNode):
                if definition.variable_definitions:
                    return None
                fragments[definition.name.value] = definition
            elif isinstance(definition, OperationDefinitionNode):
                if operation_name is None:
                    if operation is not None:
                        return None
                    operation = definition
                elif definition.name and definition.name.value == operation_name:
                    operation = definition
        if operation is None:
            return None
        own = operation.name.value if operation.name else None
        no_variables = None
        if not operation.variable_definitions:
            coerced = get_variable_values(graphql, (), {})
            assert not isinstance(coerced, list)
            no_variables = coerced
        return ValidOperation(document, operation, operation_name or own, fragments, no_variables)
