"""Stock shortage alerts: kept as they are consumed from their topic, listed newest first."""

from __future__ import annotations

import logging
from datetime import datetime

from domain.inventory.events import StockShortageDetected
from domain.inventory.shortages import ShortageAlert, ShortageFilter
from domain.paging import Page, PageRequest
from resolvers.paging import paged
from resolvers.ports import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger("gateway.inventory")


async def record_shortage_alert(work: UnitOfWork, fact: StockShortageDetected) -> None:
    """The inbound handler of `stock_shortage_alert`: keep it once; nothing else acts on it
    (seed 001: informational, fail-open)."""
    if not await work.shortage_alerts.record(ShortageAlert.of(fact)):
        log.info("stock shortage alert %s is kept already", fact.event_id)


async def shortage_alerts(
    uow: UnitOfWorkFactory,
    request: PageRequest,
    *,
    location_id: str | None = None,
    sku: str | None = None,
    since: datetime | None = None,
) -> Page[ShortageAlert]:
    wanted = ShortageFilter(location_id, sku, since)

    async def rows(work: UnitOfWork) -> list[ShortageAlert]:
        return await work.shortage_alerts.alerts(wanted, request)

    async def total(work: UnitOfWork) -> int:
        return await work.shortage_alerts.count(wanted)

    return await paged(uow, request, rows, total)
