"""JSON for JSONB columns that keeps amounts exact: Decimal in, Decimal out, never a float."""

from __future__ import annotations

from typing import Any

import simplejson


def dumps(value: Any) -> str:
    return simplejson.dumps(value, use_decimal=True, separators=(",", ":"))


def loads(text: str | bytes) -> Any:
    return simplejson.loads(text, use_decimal=True)
