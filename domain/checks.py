"""Checks every form shares: required text and client-chosen ids."""

from __future__ import annotations

from domain.errors import InvalidInput


def check_text(
    value: str | None, field: str, missing: str, max_length: int = 200
) -> InvalidInput | None:
    """A required line of text: present, not blank, and short enough for its column."""
    if value is None or not value.strip():
        return InvalidInput(missing, field=field)
    if len(value.strip()) > max_length:
        return InvalidInput(f"{field} is at most {max_length} characters.", field=field)
    return None


def check_identifier(value: str, field: str) -> InvalidInput | None:
    """Ids a client chooses must fit the 64-character key columns."""
    if len(value) > 64:
        return InvalidInput(f"{field} is at most 64 characters; got {len(value)}.", field=field)
    return None
