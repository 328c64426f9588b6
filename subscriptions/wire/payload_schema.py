"""The JSON Schema of a contract's payload, declared from the same names and fact types the
contract's reader is checked against.

A contract's payload fields are its names map (fact field -> payload field) over a
fact's type hints, which `contract.parsed` validates every inbound payload with; `fields`
turns those into JSON Schema properties, so the documented schema and the parser read one
declaration: `str` a string, `Decimal` a JSON number (amounts and quantities are exact
numbers on the wire), `datetime` an ISO 8601 instant, `date` a date, an Enum its values,
`X | None` nullable, a tuple of lines an array of objects (named by the line's own map). A
fact field with a default may be left out of the payload; every other one is required.

What the names do not say (the aggregate's id, an instant the payload repeats from the
event, an enum written by name) each contract adds by hand beside its call of `fields`.
The schemas stay open to fields they do not name (the seeds' examples carry a few the
gateway ignores); tests close them (`closed`) to prove every payload a contract writes
is fully declared.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any, Union, get_args, get_origin, get_type_hints

Schema = dict[str, Any]

STRING: Schema = {"type": "string"}
INSTANT: Schema = {"type": "string", "format": "date-time"}
DATE: Schema = {"type": "string", "format": "date"}
NUMBER: Schema = {"type": "number"}
INTEGER: Schema = {"type": "integer"}
BOOLEAN: Schema = {"type": "boolean"}


def const(value: str) -> Schema:
    return {"type": "string", "const": value}


def one_of(values: Iterable[str]) -> Schema:
    return {"type": "string", "enum": list(values)}


def names_of(enum: type[Enum]) -> Schema:
    """An enum written by its members' names (`SlaTarget.RESPONSE` -> `RESPONSE`)."""
    return one_of(enum.__members__)


def nullable(schema: Schema) -> Schema:
    kind = schema["type"]
    held = {**schema, "type": [*(kind if isinstance(kind, list) else [kind]), "null"]}
    if "enum" in schema:
        held["enum"] = [*schema["enum"], None]
    return held


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def obj(properties: Mapping[str, Schema], optional: Iterable[str] = ()) -> Schema:
    """A JSON object of `properties`, each required unless named in `optional`."""
    left_out = set(optional)
    return {
        "type": "object",
        "properties": dict(properties),
        "required": [name for name in properties if name not in left_out],
    }


def record(
    event_class: type[Any],
    names: Mapping[str, str],
    lines: Mapping[str, Mapping[str, str]] | None = None,
    **extra: Schema,
) -> Schema:
    """The object of `names` over `event_class`'s fields (`fields`), with `extra` first
    (and in place of a named field it repeats: the contract writes that one its own way)."""
    own = {fact: field for fact, field in names.items() if field not in extra}
    properties = {**extra, **fields(event_class, own, lines)}
    return obj(properties, _optional(event_class, names))


def fields(
    event_class: type[Any],
    names: Mapping[str, str],
    lines: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, Schema]:
    """The payload properties `names` maps, typed by `event_class`'s hints; `lines` names
    the payload fields of the records a tuple field holds (by fact field)."""
    hints = _hints(event_class)
    return {field: _schema(hints[fact], (lines or {}).get(fact)) for fact, field in names.items()}


def _optional(event_class: type[Any], names: Mapping[str, str]) -> list[str]:
    defaulted = {
        field.name
        for field in dataclasses.fields(event_class)
        if field.default is not dataclasses.MISSING
        or field.default_factory is not dataclasses.MISSING
    }
    return [field for fact, field in names.items() if fact in defaulted]


@cache
def _hints(event_class: type[Any]) -> dict[str, Any]:
    return get_type_hints(event_class)


def _schema(hint: Any, line_names: Mapping[str, str] | None) -> Schema:
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        held = [arg for arg in get_args(hint) if arg is not type(None)]
        if len(held) != 1:
            raise TypeError(f"no JSON Schema for the union {hint!r}")
        inner = _schema(held[0], line_names)
        return nullable(inner) if type(None) in get_args(hint) else inner
    if origin is tuple:
        item = get_args(hint)[0]
        if dataclasses.is_dataclass(item):
            if line_names is None:
                raise TypeError(f"name the payload fields of {item.__name__} lines")
            return array(record(item, line_names))
        return array(_schema(item, None))
    if isinstance(hint, type) and issubclass(hint, Enum):
        return one_of(member.value for member in hint)
    for kind, schema in (
        (bool, BOOLEAN),
        (int, INTEGER),
        (str, STRING),
        (Decimal, NUMBER),
        (datetime, INSTANT),
        (date, DATE),
    ):
        if hint is kind:
            return schema
    raise TypeError(f"no JSON Schema for {hint!r}")


def closed(schema: Any) -> Any:
    """`schema` with every object refusing fields it does not name (for tests that prove a
    payload is fully declared)."""
    if isinstance(schema, list):
        return [closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    tightened = {key: closed(value) for key, value in schema.items()}
    if "properties" in schema:
        tightened["additionalProperties"] = False
    return tightened
