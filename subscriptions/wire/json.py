"""The JSON codec of every wire format: exact decimal amounts both ways.

Amounts are `Decimal` in payloads and must reach consumers as the exact JSON numbers
the seeds show (`450.00`, not `450.0` or `450`), so a float must never take part:
`dumps` refuses floats (and NaN/Infinity) before they can round, and `loads` reads
every JSON number with a fraction or exponent as `Decimal`. Payload datetimes are
already ISO 8601 strings when they get here, so anything else that is not plain JSON
is refused too, with the path of the offending value.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import simplejson

from subscriptions.wire.errors import MalformedEvent

_ENCODER = simplejson.JSONEncoder(
    use_decimal=True, allow_nan=False, ensure_ascii=False, check_circular=False
)
_DECODER = simplejson.JSONDecoder(parse_float=Decimal)
"""Made once: `simplejson.dumps` and `loads` given options make a new one every call. The
encoder keeps no record of the containers it is in (6% of its time on a sales order's
document): `dumps` walks every document before encoding it, which a cycle would never
get past."""

_SCALARS = frozenset({str, int, bool, type(None)})


def dumps(document: Mapping[str, Any]) -> bytes:
    """UTF-8 JSON for `document`; TypeError/ValueError name the first value JSON cannot hold.

    Nearly every document the relay encodes is already plain (dicts, lists, JSON
    scalars, finite Decimals): that is checked without building anything, and only a
    document that fails it is rebuilt, which also names what is wrong."""
    plain = document if _is_plain(document) else _plain(document, "$")
    return _ENCODER.encode(plain).encode()


def loads(value: bytes) -> dict[str, Any]:
    """The JSON object in `value`, numbers with a fraction as Decimal; else MalformedEvent."""
    try:
        document = _DECODER.decode(value.decode("utf-8"))
    except (UnicodeDecodeError, simplejson.JSONDecodeError) as error:
        raise MalformedEvent(f"the record value is not JSON: {error}") from error
    if not isinstance(document, dict):
        raise MalformedEvent(f"the record value is JSON {type(document).__name__}, not an object")
    return document


def _is_plain(value: Any) -> bool:
    """Whether `value` is JSON as it is: exactly dicts with string keys, lists, tuples,
    strings, ints, booleans, None and finite Decimals (a subclass, an enum say, is left
    to `_plain`)."""
    kind = type(value)
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or not (type(item) in _SCALARS or _is_plain(item)):
                return False
        return True
    if kind is list or kind is tuple:
        return all(type(item) in _SCALARS or _is_plain(item) for item in value)
    return kind in _SCALARS or (kind is Decimal and value.is_finite())


def _plain(value: Any, path: str) -> Any:
    """`value` as dicts, lists and JSON scalars; refuse what would round or not survive."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{path} is {value}, which JSON cannot hold")
        return value
    if isinstance(value, float):
        raise TypeError(f"{path} is the float {value!r}: amounts must be Decimal")
    if isinstance(value, Mapping):
        for key in value:
            if not isinstance(key, str):
                raise TypeError(f"{path} has the non-string key {key!r}")
        return {key: _plain(item, f"{path}.{key}") for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item, f"{path}[{index}]") for index, item in enumerate(value)]
    raise TypeError(
        f"{path} is a {type(value).__name__}; payloads hold JSON values only "
        "(datetimes as ISO 8601 strings, amounts as Decimal)"
    )
