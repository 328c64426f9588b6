"""processOrder expires, before it reserves, what is held past its time and not yet swept
(an abandoned order's stock serves the next one), and only that: a hold still running
keeps its stock, though the order reads only the due ones of each item."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from domain.clock import ManualClock
from domain.sales.order import ORDER_HOLD
from tests.conftest import Api
from tests.e2e import clock_steps
from tests.e2e.test_sales_orders import PROCESS, lines, open_sales
from tests.e2e.test_stock_ledger import check_inventory, numbers

module_clock, timed_http = clock_steps.module_clock, clock_steps.timed_http
clock, timed = clock_steps.clock, clock_steps.timed

HOLD = """mutation($until: DateTime!) {
  reserveStock(input: {sku: "OIL-1", locationId: "LOC-A", quantity: "2",
                       referenceType: SERVICE_ORDER, referenceId: "WO-1", expiresAt: $until}) {
    reservation { reservationId } } }"""
READ = """{
  reservations(sku: "OIL-1") { items { referenceId status quantity } }
  stockLevels(sku: "OIL-1", locationId: "LOC-A") { onHand reserved available }
}"""


async def order(api: Api, quantity: str) -> dict:
    return await api.data(PROCESS, {"customer": "CUST-1", "lines": lines(quantity)})


async def test_an_order_expires_the_due_holds_of_its_items_and_keeps_the_others(
    timed: Api, clock: ManualClock, database_url: str, tmp_path: Path
) -> None:
    await open_sales(timed)
    first = (await order(timed, "6"))["processOrder"]
    assert first["status"] == "SUCCESS"
    await timed.data(HOLD, {"until": (clock.now() + 2 * ORDER_HOLD).isoformat()})
    assert (await order(timed, "3"))["processOrder"]["status"] == "INSUFFICIENT_INVENTORY"

    clock.set(clock.now() + ORDER_HOLD + timedelta(minutes=1))
    second = (await order(timed, "8"))["processOrder"]

    assert second["status"] == "SUCCESS"
    seen = numbers(await timed.data(READ))
    assert sorted(
        (r["referenceId"], r["status"], r["quantity"]) for r in seen["reservations"]["items"]
    ) == [
        (f"{first['orderId']}/1", "EXPIRED", 6),
        (f"{second['orderId']}/1", "ACTIVE", 8),
        ("WO-1", "ACTIVE", 2),
    ]
    assert seen["stockLevels"] == [{"onHand": 10, "reserved": 10, "available": 0}]
    checked = check_inventory(database_url, timed.tenant, tmp_path)
    assert (checked.returncode, checked.stdout) == (0, "")
