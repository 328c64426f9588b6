"""The stock shortage alerts consumed from their topic, each kept once, newest first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.dialects.postgresql import insert

from domain.inventory.shortages import ShortageAlert, ShortageFilter
from domain.paging import PageRequest
from persistence.repositories.base import TenantRepository, of_tenant
from persistence.tables import stock_shortage_alerts

ALERT = stock_shortage_alerts.c
FIELDS = tuple(ShortageAlert.__dataclass_fields__)
COLUMNS = [ALERT[name] for name in FIELDS]
KEEP = (
    insert(stock_shortage_alerts)
    .on_conflict_do_nothing(index_elements=[ALERT.tenant_id, ALERT.event_id])
    .returning(ALERT.event_id)
)


class ShortageAlertLog(TenantRepository):
    table = stock_shortage_alerts
    noun = "Stock shortage alert"

    async def record(self, alert: ShortageAlert) -> bool:
        """Keep `alert` unless it is kept already (a redelivery); whether it was new."""
        values: dict[str, Any] = {name: getattr(alert, name) for name in FIELDS}
        return bool(await self._run_many(KEEP, [values]))

    def _matching(self, wanted: ShortageFilter) -> Select:
        statement = select(*COLUMNS).where(of_tenant(stock_shortage_alerts))
        if wanted.location_id is not None:
            statement = statement.where(ALERT.location_id == wanted.location_id)
        if wanted.sku is not None:
            statement = statement.where(ALERT.sku == wanted.sku)
        if wanted.since is not None:
            statement = statement.where(ALERT.detected_at >= wanted.since)
        return statement

    async def alerts(self, wanted: ShortageFilter, request: PageRequest) -> list[ShortageAlert]:
        """One page, newest first, and one alert more if another page follows."""
        statement = self._matching(wanted).order_by(ALERT.detected_at.desc(), ALERT.event_id.desc())
        return [
            ShortageAlert(**{name: row[name] for name in FIELDS})
            for row in await self._page_rows(statement, request)
        ]

    async def count(self, wanted: ShortageFilter) -> int:
        return await self._count(self._matching(wanted))
