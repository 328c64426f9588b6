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

from sqlalchemy import Integer, Text, cast, func, literal_column
from sqlalchemy.sql.elements import ColumnElement

UTC_MICROSECONDS = literal_column("""'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'""")


def decimal_text(value: ColumnElement[Any]) -> ColumnElement[Any]:
    return cast(value, Text)


def plain_quantity(value: ColumnElement[Any]) -> ColumnElement[Any]:
    return cast(func.trim_scale(value), Text)


def iso_datetime(value: ColumnElement[Any]) -> ColumnElement[Any]:
    """One `to_char` with the microseconds, which `replace` drops when they are all
    zeros: cheaper per value than testing them and formatting twice (null stays null)."""
    utc = func.timezone(literal_column("'UTC'"), value)
    return func.replace(
        func.to_char(utc, UTC_MICROSECONDS), literal_column("'.000000+'"), literal_column("'+'")
    )


def iso_date(value: ColumnElement[Any]) -> ColumnElement[Any]:
    return func.to_char(value, literal_column("'YYYY-MM-DD'"))


def count(value: int) -> ColumnElement[Any]:
    """A row count written into the statement, not bound: PostgreSQL then plans a page's
    `LIMIT`/`OFFSET` once for the prepared statement (a generic plan), where a bound one
    makes it plan every execution anew (see statements.py)."""
    return literal_column(str(int(value)), Integer)


def key(name: str) -> ColumnElement[Any]:
    """A response key as an SQL literal; GraphQL names are `[_A-Za-z][_0-9A-Za-z]*`."""
    if not (name.replace("_", "a").isalnum() and name.isascii()):
        raise ValueError(f"not a GraphQL name: {name!r}")
    return literal_column(f"'{name}'")
