"""Turning GraphQL inputs into plain field mappings for the use cases."""

from __future__ import annotations

import dataclasses
from typing import Any

from strawberry import UNSET


def provided(
    data: object, *, rename: dict[str, str] | None = None, skip: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The fields a client actually sent (explicit nulls included, omitted ones left out)."""
    rename = rename or {}
    return {
        rename.get(f.name, f.name): getattr(data, f.name)
        for f in dataclasses.fields(data)  # type: ignore[arg-type]
        if f.name not in skip and getattr(data, f.name) is not UNSET
    }
