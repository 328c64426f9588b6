"""The people who work on service orders: their roles and the locations they work at."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as upsert

from domain.service_orders.work_sessions import Person
from persistence.repositories.base import TenantRepository
from persistence.tables import people


class PeopleRepository(TenantRepository):
    table = people

    async def get_many(self, person_ids: Iterable[str]) -> dict[str, Person]:
        statement = select(people.c.id, people.c.roles, people.c.location_ids).where(
            self._mine(), people.c.id.in_(list(person_ids))
        )
        rows = await self._connection.execute(statement)
        return {
            row["id"]: Person(row["id"], frozenset(row["roles"]), frozenset(row["location_ids"]))
            for row in rows.mappings()
        }

    async def put(self, person: Person, name: str) -> None:
        """Create the person or replace their name, roles and locations."""
        values = {
            "name": name,
            "roles": sorted(person.roles),
            "location_ids": sorted(person.location_ids),
        }
        statement = (
            upsert(people)
            .values(tenant_id=self.tenant_id, id=person.person_id, **values)
            .on_conflict_do_update(
                index_elements=[people.c.tenant_id, people.c.id],
                set_={**values, "version": people.c.version + 1, "updated_at": func.now()},
            )
        )
        await self._connection.execute(statement)
