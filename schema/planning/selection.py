"""The GraphQL side of the compiled read path: from a validated operation to `Selected`.

Two walks over the operation's selections. `check` looks at every field the document
could select, whatever its variables (both sides of each `@include`/`@skip`), and says
whether all of them are planned and readable by the caller; its verdict depends only on
the document, the operation and the caller's permissions, so the planner keeps it.
`selected` then resolves one request: directives with its variables, fragments and
inline fragments merged under their response keys in GraphQL's order, arguments coerced
as graphql-core coerces them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_leaf_type,
)
from graphql.execution.values import VariableValues, get_argument_values

from domain.identity import Principal
from domain.read_shapes import Selected, Unplannable
from resolvers.planned_reads import PLANNED_FIELDS, PLANNED_ROOTS

PAGE_FIELDS = frozenset({"items", "pageIndex", "pageSize", "hasNextPage", "totalCount"})
PAGES = {"EstimatePage": "Estimate", "ServiceOrderPage": "ServiceOrder"}
"""The seeds' page types of the planned root lists, and what they list."""
CONNECTIONS = {
    **dict.fromkeys(
        ("EstimateConnection", "ServiceOrderConnection"),
        frozenset({"edges", "nodes", "pageInfo", "totalCount"}),
    ),
    **dict.fromkeys(("EstimateEdge", "ServiceOrderEdge"), frozenset({"cursor", "node"})),
    "PageInfo": frozenset({"hasNextPage", "hasPreviousPage", "startCursor", "endCursor"}),
}
"""The link lists' connection types (schema/connections.py), planned whole."""
CONDITIONS = ("skip", "include")


def planned_fields(type_name: str) -> frozenset[str]:
    if type_name in PAGES:
        return PAGE_FIELDS
    if type_name in CONNECTIONS:
        return CONNECTIONS[type_name]
    return PLANNED_FIELDS.get(type_name, frozenset())


def _field_nodes(
    parent: GraphQLObjectType,
    selections: SelectionSetNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: VariableValues | None,
    seen: set[str],
) -> Iterator[FieldNode]:
    """The fields of `selections` in document order, through fragments; with `variables`
    only those a request includes, without them every one it could."""
    for node in selections.selections:
        if variables is not None and not _included(node, variables):
            continue
        if isinstance(node, FieldNode):
            yield node
            continue
        if isinstance(node, FragmentSpreadNode):
            name = node.name.value
            if name in seen:
                continue
            seen.add(name)
            fragment = fragments[name]
            condition, inner = fragment.type_condition, fragment.selection_set
        else:
            assert isinstance(node, InlineFragmentNode)
            condition, inner = node.type_condition, node.selection_set
        if condition is not None and condition.name.value != parent.name:
            raise Unplannable(f"a fragment on {condition.name.value} inside {parent.name}")
        yield from _field_nodes(parent, inner, fragments, variables, seen)


def _included(node: Any, variables: VariableValues) -> bool:
    """@skip and @include as graphql-core reads them; skip wins."""
    for directive in node.directives or ():
        name = directive.name.value
        if name not in CONDITIONS:
            raise Unplannable(f"the directive @{name}")
        [argument] = directive.arguments
        value = argument.value
        condition = (
            variables.coerced.get(value.name.value)
            if isinstance(value, VariableNode)
            else getattr(value, "value", None)
        )
        if (name == "skip") == bool(condition):
            return False
    return True


def _checked_directives(node: Any) -> None:
    for directive in node.directives or ():
        if directive.name.value not in CONDITIONS:
            raise Unplannable(f"the directive @{directive.name.value}")


def _definition(parent: GraphQLObjectType, name: str) -> GraphQLField:
    if name not in planned_fields(parent.name):
        raise Unplannable(f"{parent.name}.{name} is not planned")
    return parent.fields[name]


def _require(field: GraphQLField, principal: Principal | None, where: str) -> None:
    """A field a caller may not read is left to the ordinary path, which answers it
    with the error the caller gets today."""
    definition = field.extensions.get("strawberry-definition")
    for permission_class in getattr(definition, "permission_classes", ()) or ():
        permission = getattr(permission_class, "required", None)
        if permission is None:
            raise Unplannable(f"{where} has a permission the planner does not know")
        if principal is None or not principal.may(permission):
            raise Unplannable(f"the caller may not read {where}")


def _object_type(field: GraphQLField) -> GraphQLObjectType | None:
    named = get_named_type(field.type)
    if is_leaf_type(named):
        return None
    if not isinstance(named, GraphQLObjectType):
        raise Unplannable(f"the abstract type {named}")
    return named


def check(
    schema: GraphQLSchema,
    root: GraphQLObjectType,
    selections: SelectionSetNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    principal: Principal | None,
) -> None:
    """Raise Unplannable unless every field the document could select is planned and
    the caller may read it."""
    for node in _field_nodes(root, selections, fragments, None, set()):
        _checked_directives(node)
        name = node.name.value
        if name not in PLANNED_ROOTS:
            raise Unplannable(f"the root field {name}")
        field = root.fields[name]
        _require(field, principal, f"Query.{name}")
        _check_below(field, node, fragments, principal)


def _check_below(
    field: GraphQLField,
    node: FieldNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    principal: Principal | None,
) -> None:
    parent = _object_type(field)
    if parent is None or node.selection_set is None:
        return
    for child in _field_nodes(parent, node.selection_set, fragments, None, set()):
        _checked_directives(child)
        name = child.name.value
        if name == "__typename":
            continue
        definition = _definition(parent, name)
        _require(definition, principal, f"{parent.name}.{name}")
        _check_below(definition, child, fragments, principal)


def selected(
    root: GraphQLObjectType,
    selections: SelectionSetNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: VariableValues,
) -> tuple[Selected, ...]:
    """The root fields one request selects, with everything under them resolved."""
    return _merged(root, [selections], fragments, variables)


def _merged(
    parent: GraphQLObjectType,
    selection_sets: list[SelectionSetNode],
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: VariableValues,
) -> tuple[Selected, ...]:
    by_key: dict[str, list[FieldNode]] = {}
    seen: set[str] = set()
    for selections in selection_sets:
        for node in _field_nodes(parent, selections, fragments, variables, seen):
            by_key.setdefault((node.alias or node.name).value, []).append(node)
    return tuple(_one(parent, key, nodes, fragments, variables) for key, nodes in by_key.items())


def _one(
    parent: GraphQLObjectType,
    key: str,
    nodes: list[FieldNode],
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: VariableValues,
) -> Selected:
    first = nodes[0]
    name = first.name.value
    if name == "__typename":
        return Selected(key, name, parent.name)
    field = parent.fields[name]
    arguments = get_argument_values(field, first, variables)
    below = _object_type(field)
    children: tuple[Selected, ...] = ()
    if below is not None:
        inner = [node.selection_set for node in nodes if node.selection_set is not None]
        children = _merged(below, inner, fragments, variables)
    return Selected(key, name, parent.name, arguments, children)
