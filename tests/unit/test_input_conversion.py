"""A mutation's input objects are built by their plans exactly as Strawberry builds them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from graphql import OperationDefinitionNode, parse
from graphql.execution.values import get_variable_values
from strawberry.types.arguments import convert_arguments
from strawberry.types.base import StrawberryObjectDefinition

from schema.input_conversion import plan_inputs
from schema.root import Mutation, build_schema

SCHEMA = build_schema()

PROCESS_ORDER = "mutation($input: ProcessOrderInput!) { processOrder(input: $input) { status } }"
RESERVE = "mutation($input: ReserveStockInput!) { reserveStock(input: $input) { level { sku } } }"
ADDRESS = {"line1": "1 Main St", "city": "Springfield", "postalCode": "12345", "country": "US"}

CASES = [
    (
        PROCESS_ORDER,
        {
            "input": {
                "customerId": "C-1",
                "lines": [
                    {"sku": "SKU-1", "locationId": "L-1", "quantity": "2"},
                    {"productId": "P-2", "sku": None, "locationId": "L-2", "quantity": "1.5"},
                ],
                "shippingAddress": {**ADDRESS, "line2": None},
                "backorderShortfall": None,
            }
        },
    ),
    (PROCESS_ORDER, {"input": {"customerId": "C-1", "lines": [], "shippingAddress": ADDRESS}}),
    (
        RESERVE,
        {
            "input": {
                "sku": "SKU-1",
                "locationId": "L-1",
                "quantity": "1",
                "referenceType": "ORDER_LINE",
                "referenceId": "R-1",
                "expiresAt": "2030-01-05T10:00:00+00:00",
            }
        },
    ),
    (
        RESERVE,
        {
            "input": {
                "productId": "P-1",
                "locationId": "L-1",
                "quantity": "3",
                "referenceType": "SERVICE_ORDER",
                "referenceId": "SO-1",
                "expiresAt": None,
            }
        },
    ),
]


def _arguments(document: str, variables: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """The root field and its arguments as graphql-core coerces them."""
    operation = parse(document).definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    coerced = get_variable_values(
        SCHEMA._schema,  # type: ignore[attr-defined]
        operation.variable_definitions,
        variables,
    )
    assert not isinstance(coerced, list), coerced
    selection = operation.selection_set.selections[0]
    name = selection.name.value  # type: ignore[attr-defined]
    field = next(
        f
        for f in Mutation.__strawberry_definition__.fields  # type: ignore[attr-defined]
        if SCHEMA.config.name_converter.from_field(f) == name
    )
    return field, {"input": coerced.coerced["input"]}


def _converted(field: Any, value: dict[str, Any]) -> dict[str, Any]:
    return convert_arguments(
        value,
        field.arguments,
        scalar_registry=SCHEMA.schema_converter.scalar_registry,
        config=SCHEMA.config,
    )


@contextmanager
def _unplanned() -> Iterator[None]:
    """Strawberry's own conversion, with every plan taken away for a moment."""
    definitions = [
        concrete.definition
        for concrete in SCHEMA.schema_converter.type_map.values()
        if isinstance(concrete.definition, StrawberryObjectDefinition)
        and concrete.definition.from_input is not None
    ]
    plans = [definition.from_input for definition in definitions]
    for definition in definitions:
        definition.from_input = None
    try:
        yield
    finally:
        for definition, plan in zip(definitions, plans, strict=True):
            definition.from_input = plan


@pytest.mark.parametrize(("document", "variables"), CASES)
def test_inputs_are_built_as_strawberry_builds_them(
    document: str, variables: dict[str, Any]
) -> None:
    field, value = _arguments(document, variables)
    planned = _converted(field, value)
    with _unplanned():
        expected = _converted(field, value)
    assert planned == expected
    lines = getattr(planned["input"], "lines", None)
    if lines:
        assert type(lines[0]) is type(expected["input"].lines[0])


def test_a_list_is_built_anew_not_handed_on() -> None:
    field, value = _arguments(*CASES[0])
    planned = _converted(field, value)
    assert planned["input"].lines is not value["input"]["lines"]


def test_planning_twice_keeps_the_first_plans() -> None:
    definition = SCHEMA.schema_converter.type_map["ReserveStockInput"].definition
    plan = definition.from_input  # type: ignore[union-attr]
    assert plan is not None
    plan_inputs(SCHEMA)
    assert definition.from_input is plan  # type: ignore[union-attr]
