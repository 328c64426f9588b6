"""Opportunities of one tenant: the header and its items, read together; a change saves
the header with its version and the items whose reservation changed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Select, bindparam, insert, select, update

from domain.errors import DomainError
from domain.paging import PageRequest
from domain.sales.opportunities import (
    Opportunity,
    OpportunityFilter,
    OpportunityItem,
    OpportunityNotFound,
    OpportunityStage,
)
from persistence.repositories.aggregates import AggregateRepository
from persistence.repositories.base import (
    of_tenant,
    one_of_param,
    take_written,
    versioned_update,
)
from persistence.tables import opportunities, opportunity_items

OPP, ITEM = opportunities.c, opportunity_items.c
HEADER = [c for c in opportunities.c if c.name != "tenant_id"]
ITEM_COLUMNS = [c for c in opportunity_items.c if c.name != "tenant_id"]
CHANGING = ["stage", "probability", "order_id"]
BY_ID = select(*HEADER).where(of_tenant(opportunities), OPP.id == bindparam("id"))
LOCKED_BY_ID = BY_ID.with_for_update()
ITEMS_OF = (
    select(*ITEM_COLUMNS)
    .where(of_tenant(opportunity_items), one_of_param(ITEM.opportunity_id, "ids"))
    .order_by(ITEM.opportunity_id, ITEM.line_number)
)
OPEN_ONES = select(*HEADER).where(
    of_tenant(opportunities),
    OPP.stage != OpportunityStage.CLOSED_WON.value,
    OPP.stage != OpportunityStage.CLOSED_LOST.value,
)
ADD = insert(opportunities).returning(OPP.version, OPP.created_at, OPP.updated_at)
ADD_ITEM = insert(opportunity_items)
SAVE = versioned_update(opportunities, CHANGING).returning(OPP.version, OPP.updated_at)
HOLD_ITEM = (
    update(opportunity_items)
    .where(
        of_tenant(opportunity_items),
        ITEM.opportunity_id == bindparam("key_opportunity_id"),
        ITEM.line_number == bindparam("key_line_number"),
    )
    .values(reservation_id=bindparam("reservation_id"))
)


def _item(row: Mapping[str, Any]) -> OpportunityItem:
    return OpportunityItem(**{k: v for k, v in row.items() if k != "opportunity_id"})


def _header(opportunity: Opportunity) -> dict[str, Any]:
    return {
        "id": opportunity.id,
        "customer_id": opportunity.customer_id,
        "sales_rep_id": opportunity.sales_rep_id,
        "stage": opportunity.stage.value,
        "probability": opportunity.probability,
        "expected_close_date": opportunity.expected_close_date,
        "order_id": opportunity.order_id,
    }


class OpportunityRepository(AggregateRepository[Opportunity]):
    table = opportunities
    noun = "Opportunity"

    async def _read(self, opportunity_id: str, lock: bool) -> Opportunity | None:
        row = await self._row(LOCKED_BY_ID if lock else BY_ID, id=opportunity_id)
        return None if row is None else (await self._with_items([row]))[0]

    def not_found(self, opportunity_id: str) -> DomainError:
        return OpportunityNotFound(opportunity_id)

    async def add(self, opportunity: Opportunity) -> None:
        row = await self._row(ADD, **_header(opportunity))
        assert row is not None, "an INSERT ... RETURNING gives its row"
        await self._run_many(
            ADD_ITEM,
            [
                {
                    "opportunity_id": opportunity.id,
                    "line_number": i.line_number,
                    "product_id": i.product_id,
                    "sku": i.sku,
                    "location_id": i.location_id,
                    "quantity": i.quantity,
                    "unit_price": i.unit_price,
                    "reservation_id": i.reservation_id,
                }
                for i in opportunity.items
            ],
        )
        take_written(opportunity, row)
        self.track(opportunity)

    async def opportunities(
        self, wanted: OpportunityFilter, request: PageRequest
    ) -> list[Opportunity]:
        """One page, newest first, and one more if another page follows."""
        statement = self._matching(wanted).order_by(OPP.created_at.desc(), OPP.id.desc())
        return await self._with_items(await self._page_rows(statement, request))

    async def count(self, wanted: OpportunityFilter) -> int:
        return await self._count(self._matching(wanted))

    async def open_ones(self) -> list[Opportunity]:
        """Every opportunity not yet closed, with its items (the pipeline report's)."""
        return await self._with_items(await self._rows(OPEN_ONES))

    def _matching(self, wanted: OpportunityFilter) -> Select:
        statement = select(*HEADER).where(of_tenant(opportunities))
        if wanted.customer_id is not None:
            statement = statement.where(OPP.customer_id == wanted.customer_id)
        if wanted.stage is not None:
            statement = statement.where(OPP.stage == wanted.stage.value)
        return statement

    async def _with_items(self, rows: Sequence[Mapping[str, Any]]) -> list[Opportunity]:
        items: dict[str, list[OpportunityItem]] = {row["id"]: [] for row in rows}
        if rows:
            for row in await self._rows(ITEMS_OF, ids=list(items)):
                items[row["opportunity_id"]].append(_item(row))
        return [
            Opportunity(
                tenant_id=self.tenant_id,
                items=items[row["id"]],
                **{**row, "stage": OpportunityStage(row["stage"])},
            )
            for row in rows
        ]

    def _stored_form(self, opportunity: Opportunity) -> dict[str, Any]:
        header = {k: v for k, v in _header(opportunity).items() if k in CHANGING}
        return {**header, "items": {i.line_number: i.reservation_id for i in opportunity.items}}

    async def _save(self, opportunity: Opportunity, before: Any) -> None:
        values = self._stored_form(opportunity)
        held = values.pop("items")
        row = await self._row(
            SAVE, **values, key_id=opportunity.id, key_version=opportunity.version
        )
        if row is None:
            raise self.stale(opportunity.id, opportunity.version)
        take_written(opportunity, row)
        await self._run_many(
            HOLD_ITEM,
            [
                {"key_opportunity_id": opportunity.id, "key_line_number": n, "reservation_id": r}
                for n, r in held.items()
                if before["items"].get(n) != r
            ],
        )
