"""JSON values any client parses exactly: amounts travel as strings ("7.20"), never floats.

Used wherever the schema hands out a free-form JSON document (event payloads, audit
metadata): a JavaScript client would parse a JSON number into a float.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any


def plain_json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {k: plain_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_json(v) for v in value]
    return value
