"""An order's life after it is taken: fulfilment (which consumes the reserved stock),
completion (the order is fulfilled and invoiced), shipment, delivery, and cancellation
(which releases every reservation still held).

Each is an edit of the order the client read (`version`), made under the order's row
lock, with the stock items it touches locked after it in (product, location) order; so
a cancel racing a fulfilment leaves one of them done and the other VERSION_CONFLICT,
and the stock as the winner left it.
"""

from __future__ import annotations

from domain.clock import Clock
from domain.inventory.reservations import Reservation, ReservationNotActive, ReservationNotFound
from domain.inventory.stock import StockItem, stock_id
from domain.sales.order import FulfillmentNotFound, OrderLine, SalesOrder, fulfillment_of_order
from resolvers.changes import changing, existing
from resolvers.ports import UnitOfWork, UnitOfWorkFactory
from resolvers.sales.backorder_filling import fill_backorders


async def _line_stock(work: UnitOfWork, line: OrderLine) -> tuple[StockItem, Reservation | None]:
    """The line's stock item, locked, and its reservation if still ACTIVE."""
    item = await existing(work.stock, stock_id(*line.pair), lock=True)
    return item, item.reservation(line.reservation_id)


async def start_order_fulfillment(
    uow: UnitOfWorkFactory, clock: Clock, by: str, order_id: str, version: int
) -> SalesOrder:
    """Picking begins: each line's reservation is consumed whole (a CONSUMPTION movement
    referring to the line). A reservation no longer held (expired, released) stops it:
    RESERVATION_NOT_ACTIVE naming its state, and nothing is consumed."""
    async with uow() as work:
        async with changing(work.sales_orders, order_id, version, lock=True) as order:
            now = clock.now()
            order.start_fulfillment(fulfillment_of_order(order.id), by, now)
            for line in order.lines_by_stock():
                item, reservation = await _line_stock(work, line)
                if reservation is None:
                    ended = await work.stock_reservations.find(line.reservation_id)
                    if ended is None:
                        raise ReservationNotFound(line.reservation_id)
                    raise ReservationNotActive(ended)
                item.consume(reservation, None, by, now)
        await work.commit()
        return order


async def complete_fulfillment(
    uow: UnitOfWorkFactory, clock: Clock, by: str, order_id: str, version: int
) -> SalesOrder:
    async with uow() as work:
        async with changing(work.sales_orders, order_id, version, lock=True) as order:
            order.complete_fulfillment(by, clock.now())
        await work.commit()
        return order


async def ship_order(
    uow: UnitOfWorkFactory,
    clock: Clock,
    by: str,
    order_id: str,
    version: int,
    carrier: str,
    tracking_number: str,
) -> SalesOrder:
    async with uow() as work:
        async with changing(work.sales_orders, order_id, version, lock=True) as order:
            order.ship(carrier, tracking_number, by, clock.now())
        await work.commit()
        return order


async def deliver_order(
    uow: UnitOfWorkFactory, clock: Clock, by: str, order_id: str, version: int
) -> SalesOrder:
    async with uow() as work:
        async with changing(work.sales_orders, order_id, version, lock=True) as order:
            order.deliver(by, clock.now())
        await work.commit()
        return order


async def cancel_order(
    uow: UnitOfWorkFactory, clock: Clock, by: str, order_id: str, version: int, reason: str
) -> SalesOrder:
    """Every reservation still held is released in the same change, and the stock it
    gives back fills the item's pending backorders; one that expired meanwhile holds
    nothing to give back."""
    async with uow() as work:
        async with changing(work.sales_orders, order_id, version, lock=True) as order:
            now = clock.now()
            order.cancel(reason, by, now)
            for line in order.lines_by_stock():
                item, reservation = await _line_stock(work, line)
                if reservation is not None:
                    item.release(reservation, by, now)
                    await fill_backorders(work, item, by, now)
        await work.commit()
        return order


async def fulfillment_tracking(uow: UnitOfWorkFactory, fulfillment_id: str) -> SalesOrder:
    """The order whose fulfilment this is (its tracking is read off the order)."""
    async with uow() as work:
        order = await work.sales_orders.by_fulfillment(fulfillment_id)
    if order is None or order.fulfillment is None:
        raise FulfillmentNotFound(fulfillment_id)
    return order
