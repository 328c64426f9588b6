"""The people who work on service orders: their roles and the locations they work at."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as upsert

from domain.service_orders.work_sessions import Person
from persistence.repositories.base import TenantRepository, of_tenant, one_of_param
from persistence.tables import people

BY_ID = select(people.c.id, people.c.roles, people.c.location_ids).where(
    of_tenant(people), one_of_param(people.c.id, "ids")
)


class PeopleRepository(TenantRepository):
    table = people

    async def get_many(self, person_ids: Iterable[str]) -> dict[str, Person]:
        rows = await self._rows(BY_ID, ids=list(person_ids))
        return {
            row["id"]: Person(row["id"], frozenset(row["roles"]), frozenset(row["location_ids"]))
            for row in rows
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
            .values(id=person.person_id, **values)
            .on_conflict_do_update(
                index_elements=[people.c.tenant_id, people.c.id],
                set_={**values, "version": people.c.version + 1, "updated_at": func.now()},
            )
        )
        await self._run(statement)
