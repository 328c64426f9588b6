"""Running the compiled read path's statements for one tenant."""

from __future__ import annotations

from collections.abc import Sequence

from domain.read_shapes import RootRead
from persistence.json_reads.statements import statement_of
from persistence.repositories.base import TenantRepository


class JsonDocuments(TenantRepository):
    """The JSON of planned root fields, one statement each, filtered by the unit of
    work's tenant like every tenant repository's (the driver refuses one that is not)."""

    async def documents(self, reads: Sequence[RootRead]) -> list[str | None]:
        """Each root field's JSON text; None where a single object is not this tenant's."""
        found = []
        for read in reads:
            statement, values = statement_of(read)
            # A SELECT breaks no primary key: straight to the tenant's driver, past the
            # DUPLICATE_ID mapping `_value` wraps around every statement.
            found.append(await self._statements.value(statement, values))
        return found
