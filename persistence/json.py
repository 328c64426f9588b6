"""JSON for JSONB columns that keeps amounts exact: Decimal in, Decimal out, never a float."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import simplejson

_ENCODER = simplejson.JSONEncoder(use_decimal=True, separators=(",", ":"))
_DECODER = simplejson.JSONDecoder(parse_float=Decimal)
"""Made once: `simplejson.dumps` and `loads` given options make a new one every call,
and every event the relay reads and every one a unit of work writes passes here."""


def dumps(value: Any) -> str:
    return _ENCODER.encode(value)


def loads(text: str | bytes) -> Any:
    return _DECODER.decode(text)
