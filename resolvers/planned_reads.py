"""The compiled read path's one use case: read planned root fields as JSON text.

A planned query is read in one unit of work that opens no transaction (a reading unit,
as the DataLoaders' batches): each root field is one statement, and at READ COMMITTED
a statement alone sees what it would see inside a transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

from domain.read_shapes import RootRead
from persistence.json_reads.inventory_view import PLANNED_TYPES as INVENTORY_VIEW_TYPES
from persistence.json_reads.projections import OBJECTS
from persistence.json_reads.statements import ROOTS


class JsonDocuments(Protocol):
    async def documents(self, reads: Sequence[RootRead]) -> list[str | None]: ...


class JsonReadingWork(Protocol):
    @property
    def json_documents(self) -> JsonDocuments: ...


PLANNED_FIELDS: dict[str, frozenset[str]] = {
    **{type_name: frozenset(fields) for type_name, fields in OBJECTS.items()},
    **INVENTORY_VIEW_TYPES,
}
"""The fields each planned type answers on the compiled path."""
PLANNED_ROOTS = frozenset(ROOTS)
"""The root query fields the compiled path answers."""


async def documents(
    units: Callable[[], AbstractAsyncContextManager[Any]], reads: Sequence[RootRead]
) -> list[str | None]:
    """Each root field's JSON text, None for a single object the tenant does not have."""
    async with units() as work:
        reading: JsonReadingWork = work
        return await reading.json_documents.documents(reads)
