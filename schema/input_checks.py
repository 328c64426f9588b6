"""The one check every input value passes before a resolver sees it: text and decimals.

Field rules (a VIN's length, a price's two decimals) live in the domain. What no field
accepts is refused here, for every field at once, with BAD_USER_INPUT: text holding the
NUL character or an unpaired surrogate (PostgreSQL cannot store either, and the database
error used to surface as a masked internal error after part of the work was done), text
longer than any field takes, and decimals that are not numbers (`NaN`, `Infinity`,
`"1_000"`, `" 1 "`) or that no column holds (more than 15 digits before the point or 6
after it). Text is checked in the document (a validation rule, cached with the document)
and in the variables (before execution); decimals by the `Decimal` scalar itself.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from graphql import GraphQLError, StringValueNode, ValidationRule
from strawberry.types.scalar import ScalarDefinition

MAX_TEXT_LENGTH = 10_000
"""Characters in one text value: far above any field's own limit (notes take 2,000)."""
LARGEST_DECIMAL_DIGITS = 15
SMALLEST_DECIMAL_EXPONENT = -6


def text_problem(text: str) -> str | None:
    """Why no field can take `text`, or None."""
    if "\x00" in text:
        return "contains the NUL character (\\u0000), which no field accepts"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "contains an unpaired UTF-16 surrogate; send valid Unicode text"
    if len(text) > MAX_TEXT_LENGTH:
        return f"is {len(text)} characters long; no field takes more than {MAX_TEXT_LENGTH}"
    return None


def variables_problem(variables: Mapping[str, Any] | None) -> GraphQLError | None:
    """The first text in the request's variables no field can take, as a client error."""
    for name, value in (variables or {}).items():
        found = _first_problem(value, f"${name}")
        if found is not None:
            where, problem = found
            return GraphQLError(
                f"Variable '{where}' {problem}.", extensions={"code": "BAD_USER_INPUT"}
            )
    return None


def _first_problem(value: Any, where: str) -> tuple[str, str] | None:
    if isinstance(value, str):
        problem = text_problem(value)
        return None if problem is None else (where, problem)
    if isinstance(value, Mapping):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _first_problem(
            item, f"{where}.{key}" if isinstance(key, str) else f"{where}[{key}]"
        )
        if found is not None:
            return found
    return None


class TextLiterals(ValidationRule):
    """Refuses a string literal in the document that no field can take."""

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        problem = text_problem(node.value)
        if problem is not None:
            self.report_error(
                GraphQLError(
                    f"A text value {problem}.", node, extensions={"code": "BAD_USER_INPUT"}
                )
            )


def parse_decimal(value: Any) -> Decimal:
    """A decimal input as written, if it is a number a column can hold."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f'{value!r} is not a decimal number; send it as a string like "12.50"')
    text = str(value)
    if text != text.strip() or "_" in text:
        raise ValueError(f'{text!r} is not a decimal number; write it like "1000.50"')
    try:
        number = Decimal(text)
    except decimal.InvalidOperation:
        raise ValueError(f'{text!r} is not a decimal number; write it like "1000.50"') from None
    if not number.is_finite():
        raise ValueError(f"{text!r} is not a number an amount or quantity can be")
    if number != 0 and number.adjusted() >= LARGEST_DECIMAL_DIGITS:
        raise ValueError(f"{text} has more than {LARGEST_DECIMAL_DIGITS} digits before the point")
    if number.as_tuple().exponent < SMALLEST_DECIMAL_EXPONENT:  # type: ignore[operator]
        raise ValueError(f"{text} has more than {-SMALLEST_DECIMAL_EXPONENT} decimal places")
    return number


CHECKED_DECIMAL = ScalarDefinition(
    name="Decimal",
    description='Decimal (fixed-point), as a string such as "12.50"; at most 15 digits '
    "before the point and 6 after it.",
    specified_by_url=None,
    serialize=str,
    parse_value=parse_decimal,
    parse_literal=None,
    origin=Decimal,
)
