"""The check behind `gateway check-inventory`: levels that disagree with their ledger.

It reads every tenant's rows (or one tenant's) on the plain `Driver`, as the gateway's
own plumbing does: it is an operator's audit, not a tenant's request. One statement:
each level beside the sum of its movements and of its ACTIVE reservations, keeping the
pairs that break a rule.
"""

from __future__ import annotations

from sqlalchemy import String, and_, bindparam, func, or_, select

from domain.inventory.consistency import StockInconsistency
from persistence.driver import Driver
from persistence.tables import parts, stock_levels, stock_movements, stock_reservations

LEVEL = stock_levels.c
MOVEMENT = stock_movements.c
_TOTALS = (
    select(
        MOVEMENT.tenant_id,
        MOVEMENT.product_id,
        MOVEMENT.location_id,
        func.sum(MOVEMENT.quantity).label("ledger_total"),
    )
    .group_by(MOVEMENT.tenant_id, MOVEMENT.product_id, MOVEMENT.location_id)
    .subquery()
)
_LEDGER_TOTAL = func.coalesce(_TOTALS.c.ledger_total, 0)
RESERVATION = stock_reservations.c
_HELD = (
    select(
        RESERVATION.tenant_id,
        RESERVATION.product_id,
        RESERVATION.location_id,
        func.sum(RESERVATION.quantity).label("reservations_total"),
    )
    .where(RESERVATION.status == "ACTIVE")
    .group_by(RESERVATION.tenant_id, RESERVATION.product_id, RESERVATION.location_id)
    .subquery()
)
_RESERVATIONS_TOTAL = func.coalesce(_HELD.c.reservations_total, 0)
_ONLY_TENANT = bindparam("only_tenant", type_=String)
INCONSISTENT_LEVELS = (
    select(
        LEVEL.tenant_id,
        parts.c.sku,
        LEVEL.product_id,
        LEVEL.location_id,
        LEVEL.on_hand,
        LEVEL.reserved,
        _LEDGER_TOTAL.label("ledger_total"),
        _RESERVATIONS_TOTAL.label("reservations_total"),
    )
    .select_from(
        stock_levels.join(
            parts, and_(parts.c.tenant_id == LEVEL.tenant_id, parts.c.id == LEVEL.product_id)
        )
        .outerjoin(
            _TOTALS,
            and_(
                _TOTALS.c.tenant_id == LEVEL.tenant_id,
                _TOTALS.c.product_id == LEVEL.product_id,
                _TOTALS.c.location_id == LEVEL.location_id,
            ),
        )
        .outerjoin(
            _HELD,
            and_(
                _HELD.c.tenant_id == LEVEL.tenant_id,
                _HELD.c.product_id == LEVEL.product_id,
                _HELD.c.location_id == LEVEL.location_id,
            ),
        )
    )
    .where(
        or_(_ONLY_TENANT.is_(None), LEVEL.tenant_id == _ONLY_TENANT),
        or_(
            LEVEL.on_hand != _LEDGER_TOTAL,
            LEVEL.reserved != _RESERVATIONS_TOTAL,
            LEVEL.reserved < 0,
            LEVEL.reserved > LEVEL.on_hand,
        ),
    )
    .order_by(LEVEL.tenant_id, parts.c.sku, LEVEL.location_id)
)


async def stock_inconsistencies(driver: Driver, tenant_id: str | None) -> list[StockInconsistency]:
    """Every level of `tenant_id` (every tenant's if None) that breaks a ledger rule."""
    rows = await driver.rows(INCONSISTENT_LEVELS, {"only_tenant": tenant_id})
    return [StockInconsistency(**row) for row in rows]
