"""Scalars spelled in SQL exactly as the GraphQL layer spells them in Python.

The ordinary path reads a column into Python and Strawberry serializes it; the compiled
path writes the JSON in PostgreSQL, so each scalar must come out as the same text:

- `Decimal` is `str(value)`: numeric's text is the same digits and scale asyncpg
  decodes (`89.99`, `1.0000`);
- an estimate line's quantity is `plain_quantity` (`2`, not `2.000`): `trim_scale`;
- a `DateTime` is `datetime.isoformat()` of asyncpg's UTC value: seconds, then six
  digits of microseconds only when there are any, then `+00:00`;
- a `Date` is `date.isoformat()`;
- enums, ids, text, numbers and booleans are JSON's own (enum names equal the stored
  values).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text, case, cast, extract, func, literal_column
from sqlalchemy.sql.elements import ColumnElement

UTC_SECONDS = literal_column("""'YYYY-MM-DD"T"HH24:MI:SS'""")
MICROSECONDS = literal_column("'.US'")


def decimal_text(value: ColumnElement[Any]) -> ColumnElement[Any]:
    return cast(value, Text)


def plain_quantity(value: ColumnElement[Any]) -> ColumnElement[Any]:
    return cast(func.trim_scale(value), Text)


def iso_datetime(value: ColumnElement[Any]) -> ColumnElement[Any]:
    utc = func.timezone(literal_column("'UTC'"), value)
    fraction = case(
        (extract("microseconds", value) % 1_000_000 != 0, func.to_char(utc, MICROSECONDS)),
        else_=literal_column("''"),
    )
    return case(
        (value.is_(None), None),
        else_=func.concat(func.to_char(utc, UTC_SECONDS), fraction, literal_column("'+00:00'")),
    )


def iso_date(value: ColumnElement[Any]) -> ColumnElement[Any]:
    return func.to_char(value, literal_column("'YYYY-MM-DD'"))


def key(name: str) -> ColumnElement[Any]:
    """A response key as an SQL literal; GraphQL names are `[_A-Za-z][_0-9A-Za-z]*`."""
    if not (name.replace("_", "a").isalnum() and name.isascii()):
        raise ValueError(f"not a GraphQL name: {name!r}")
    return literal_column(f"'{name}'")
