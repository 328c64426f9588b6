"""In-memory stock levels and ledger: the fake side of `resolvers/inventory/ports.py`.

Levels are rows keyed by the item's `stock_id`, movements rows keyed by their id and
kept as the movements themselves, appended when the level is saved, as the real
repository writes both in the commit's transaction. A pair never stocked reads as an
empty item at version 0 and is stored when it changes; locks are a no-op (one
coroutine at a time runs a fake unit of work). Reservations are rows keyed by their id,
kept as copies: an item loads its ACTIVE ones, and saving it writes those it made or
ended, as the real repository does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from domain.catalog import Part, PartNotFound
from domain.customers import Customer
from domain.errors import DomainError
from domain.inventory.customer_view import InventoryViewFilter, StockedPart, ValueGroup, Viewer
from domain.inventory.movements import MovementFilter, StockMovement
from domain.inventory.pricing import CustomerPrice
from domain.inventory.reservations import Reservation, ReservationFilter
from domain.inventory.shortages import ShortageAlert, ShortageFilter
from domain.inventory.stock import StockItem, stock_id, stock_key
from domain.paging import PageRequest
from tests.use_cases.fakes.memory import Aggregates, Repository, Table, page_of

FIGURES = ("on_hand", "reserved", "reorder_point", "lead_time_days")


class InMemoryStock(Aggregates[StockItem]):
    table = "stock_levels"
    noun = "Stock"
    kind = StockItem

    def _sku(self, product_id: str) -> str | None:
        part = self._work.read("parts", product_id)
        return None if part is None else Part(**part).sku

    def __init__(self, work: Any):
        super().__init__(work)
        self._written: dict[str, int] = {}
        """How many of each tracked item's movements are in the ledger already."""

    def _item(self, row: dict[str, Any]) -> StockItem:
        sku = self._sku(row["product_id"])
        assert sku is not None, "a level row needs its part"
        return StockItem(self.tenant_id, sku=sku, **row)

    async def get(self, item_id: str, *, lock: bool = False) -> StockItem | None:
        key = stock_key(item_id)
        sku = None if key is None else self._sku(key[0])
        if key is None or sku is None:
            return None
        row = self._work.read(self.table, item_id)
        found = self._item(row) if row else StockItem(self.tenant_id, *key, sku)
        found.reservations = [
            replace(r)
            for r in self._work.rows(StockReservations.table)
            if (r.product_id, r.location_id) == key and r.is_active
        ]
        tracked = self.track(found)
        self._written.setdefault(id(tracked), 0)
        return tracked

    async def locked_to_reserve(
        self, pairs: Sequence[tuple[str, str]], now: datetime
    ) -> dict[tuple[str, str], StockItem]:
        found: dict[tuple[str, str], StockItem] = {}
        for product_id, location_id in sorted(set(pairs)):
            item = await self.get(stock_id(product_id, location_id), lock=True)
            if item is not None:
                found[(product_id, location_id)] = item
        return found

    async def locked_if_stocked(
        self, product_id: str | None, sku: str | None, location_id: str
    ) -> StockItem | None:
        for row in self._work.rows(self.table):
            if row["location_id"] != location_id:
                continue
            if product_id not in (None, row["product_id"]) or sku not in (
                None,
                self._sku(row["product_id"]),
            ):
                continue
            if product_id is None and sku is None:
                return None
            return await self.get(stock_id(row["product_id"], location_id), lock=True)
        return None

    def not_found(self, item_id: str) -> DomainError:
        return PartNotFound(f"Part '{(stock_key(item_id) or (item_id,))[0]}' was not found.")

    def _levels(self) -> list[StockItem]:
        return [self._item(row) for row in self._work.rows(self.table)]

    async def levels_of_products(self, product_ids: Sequence[str]) -> dict[str, list[StockItem]]:
        found: dict[str, list[StockItem]] = {key: [] for key in product_ids}
        for item in sorted(self._levels(), key=lambda i: (i.product_id, i.location_id)):
            if item.product_id in found:
                found[item.product_id].append(item)
        return found

    async def levels_at_locations(
        self, location_ids: Sequence[str], request: PageRequest
    ) -> dict[str, list[StockItem]]:
        found: dict[str, list[StockItem]] = {}
        for location in location_ids:
            stocked = [i for i in self._levels() if i.location_id == location]
            stocked.sort(key=lambda i: (i.sku, i.product_id))
            found[location] = stocked[request.offset : request.offset + request.page_size]
        return found

    @staticmethod
    def _stored_form(item: StockItem) -> dict[str, Any]:
        return {
            **{name: getattr(item, name) for name in FIGURES},
            "movements": len(item.movements),
            "reservations": {r.id: r.status for r in item.reservations},
        }

    def _save(self, item: StockItem) -> None:
        stored = self._work.read(self.table, item.id)
        if (stored["version"] if stored else 0) != item.version:
            raise self.stale(item.id, item.version)
        now = self._work.now()
        created_at = stored["created_at"] if stored else now
        for movement in item.movements[self._written.get(id(item), 0) :]:
            self._work.write(StockMovements.table, movement.id, movement)
        self._written[id(item)] = len(item.movements)
        for reservation in item.reservations:
            self._work.write(StockReservations.table, reservation.id, replace(reservation))
        self._work.write(
            self.table,
            item.id,
            {
                "product_id": item.product_id,
                "location_id": item.location_id,
                **{name: getattr(item, name) for name in FIGURES},
                "version": item.version + 1,
                "created_at": created_at,
                "updated_at": now,
            },
        )
        item.version += 1
        item.created_at, item.updated_at = created_at, now


class StockMovements(Table[StockMovement]):
    """The ledger, in the order it was written (the fake's rows keep insertion order)."""

    table = "stock_movements"

    def _matching(self, wanted: MovementFilter) -> list[StockMovement]:
        return [
            m
            for m in self._work.rows(self.table)
            if (wanted.product_id is None or m.product_id == wanted.product_id)
            and (wanted.location_id is None or m.location_id == wanted.location_id)
            and (wanted.reference is None or m.reference == wanted.reference)
            and (wanted.kind is None or m.kind == wanted.kind)
            and (wanted.since is None or m.occurred_at >= wanted.since)
            and (wanted.until is None or m.occurred_at < wanted.until)
        ]

    async def movements(self, wanted: MovementFilter, request: PageRequest) -> list[StockMovement]:
        return page_of(list(reversed(self._matching(wanted))), request)

    async def count(self, wanted: MovementFilter) -> int:
        return len(self._matching(wanted))

    async def by_ids(self, movement_ids: Sequence[str]) -> dict[str, StockMovement]:
        found = {i: self._work.read(self.table, i) for i in movement_ids}
        return {i: m for i, m in found.items() if m is not None}


class StockReservations(Table[Reservation]):
    table = "stock_reservations"

    async def find(self, reservation_id: str) -> Reservation | None:
        found = self._work.read(self.table, reservation_id)
        return None if found is None else replace(found)

    def _matching(self, wanted: ReservationFilter) -> list[Reservation]:
        return [
            r
            for r in self._work.rows(self.table)
            if (wanted.product_id is None or r.product_id == wanted.product_id)
            and (wanted.location_id is None or r.location_id == wanted.location_id)
            and (wanted.reference_type is None or r.reference_type == wanted.reference_type)
            and (wanted.reference_id is None or r.reference_id == wanted.reference_id)
            and (wanted.status is None or r.status == wanted.status)
        ]

    async def reservations(
        self, wanted: ReservationFilter, request: PageRequest
    ) -> list[Reservation]:
        newest = sorted(self._matching(wanted), key=lambda r: (r.reserved_at, r.id), reverse=True)
        return page_of(newest, request)

    async def count(self, wanted: ReservationFilter) -> int:
        return len(self._matching(wanted))

    async def active_of_items(
        self, pairs: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], list[Reservation]]:
        found: dict[tuple[str, str], list[Reservation]] = {pair: [] for pair in pairs}
        for r in sorted(self._work.rows(self.table), key=lambda r: (r.expires_at, r.id)):
            if r.is_active and (r.product_id, r.location_id) in found:
                found[(r.product_id, r.location_id)].append(r)
        return found


class ShortageAlerts(Table[ShortageAlert]):
    table = "stock_shortage_alerts"

    async def record(self, alert: ShortageAlert) -> bool:
        if self._work.read(self.table, alert.event_id) is not None:
            return False
        self._work.write(self.table, alert.event_id, alert)
        return True

    def _matching(self, wanted: ShortageFilter) -> list[ShortageAlert]:
        return [
            a
            for a in self._work.rows(self.table)
            if (wanted.location_id is None or a.location_id == wanted.location_id)
            and (wanted.sku is None or a.sku == wanted.sku)
            and (wanted.since is None or a.detected_at >= wanted.since)
        ]

    async def alerts(self, wanted: ShortageFilter, request: PageRequest) -> list[ShortageAlert]:
        newest = sorted(
            self._matching(wanted), key=lambda a: (a.detected_at, a.event_id), reverse=True
        )
        return page_of(newest, request)

    async def count(self, wanted: ShortageFilter) -> int:
        return len(self._matching(wanted))


class CustomerInventory(Table[StockedPart]):
    """Stocked pairs joined with their parts, and a customer's price lines, as the real
    repository reads them; the value is summed per price group as its aggregate is."""

    table = "stock_levels"

    def _matching(self, wanted: InventoryViewFilter) -> list[StockedPart]:
        found = []
        for row in self._work.rows(self.table):
            part = Part(**self._work.read("parts", row["product_id"]))
            text = f"{part.sku} {part.name} {part.description or ''}".lower()
            if wanted.location_id not in (None, row["location_id"]):
                continue
            if wanted.search is not None and wanted.search.lower() not in text:
                continue
            found.append(
                StockedPart(
                    product_id=part.id,
                    sku=part.sku,
                    description=part.description or part.name,
                    location_id=row["location_id"],
                    on_hand=row["on_hand"],
                    reserved=row["reserved"],
                    lead_time_days=row["lead_time_days"],
                    list_price=part.unit_price,
                )
            )
        return sorted(found, key=lambda s: (s.sku, s.location_id))

    async def viewer(self, customer_id: str) -> Viewer | None:
        row = self._work.read("customers", customer_id)
        if row is None:
            return None
        customer = Customer(**row)
        own = self._work.read("tier_discounts", customer.tier)
        return Viewer(
            customer.id, customer.name, customer.tier, None if own is None else own.discount_percent
        )

    async def stocked(
        self, customer_id: str, wanted: InventoryViewFilter, request: PageRequest
    ) -> list[StockedPart]:
        page = page_of(self._matching(wanted), request)
        lines = await self.price_lines(customer_id, [s.product_id for s in page])
        return [
            replace(
                s,
                customer_price=lines[s.product_id].customer_price,
                discount_percentage=lines[s.product_id].discount_percentage,
            )
            if s.product_id in lines
            else s
            for s in page
        ]

    async def count(self, wanted: InventoryViewFilter) -> int:
        return len(self._matching(wanted))

    async def price_lines(
        self, customer_id: str, product_ids: Sequence[str]
    ) -> dict[str, CustomerPrice]:
        price_list = self._work.read("customer_price_lists", customer_id)
        lines = {} if price_list is None else price_list["lines"]
        found = {}
        for product_id in product_ids:
            if product_id in lines:
                part = Part(**self._work.read("parts", product_id))
                found[product_id] = CustomerPrice(
                    product_id, part.sku, part.unit_price, *lines[product_id]
                )
        return found

    async def value_groups(self, customer_id: str, wanted: InventoryViewFilter) -> list[ValueGroup]:
        stocked = self._matching(wanted)
        lines = await self.price_lines(customer_id, [s.product_id for s in stocked])
        groups: dict[tuple[Decimal, Decimal | None, Decimal | None], Decimal] = defaultdict(Decimal)
        for s in stocked:
            line = lines.get(s.product_id)
            amounts = (
                (None, None) if line is None else (line.customer_price, line.discount_percentage)
            )
            groups[(s.list_price, *amounts)] += s.available
        return [ValueGroup(*key, available) for key, available in groups.items()]


class LoneReservations:
    """A reservation's two statements that stand alone: each is committed as it runs, as
    PostgreSQL commits a statement outside any transaction."""

    def __init__(self, work: Any):
        self._work = work

    async def level(
        self, product_id: str | None, sku: str | None, location_id: str, now: datetime
    ) -> StockItem | None:
        stock = InMemoryStock(self._work)
        for row in self._work.rows(InMemoryStock.table):
            item = stock._item(row)
            if item.location_id != location_id or product_id not in (None, item.product_id):
                continue
            if sku not in (None, item.sku):
                continue
            due = any(
                (r.product_id, r.location_id) == (item.product_id, location_id) and r.is_due(now)
                for r in self._work.rows(StockReservations.table)
            )
            return None if due else item
        return None

    async def saved_alone(self, item: StockItem, reservation: Reservation) -> bool:
        stored = self._work.read(InMemoryStock.table, item.id)
        if stored is None or stored["version"] != item.version:
            return False
        now = self._work.now()
        tables = self._work.database.tables
        tenant = self._work.tenant_id
        tables[InMemoryStock.table][(tenant, item.id)] = {
            **stored,
            **{name: getattr(item, name) for name in FIGURES},
            "version": item.version + 1,
            "updated_at": now,
        }
        tables.setdefault(StockReservations.table, {})[(tenant, reservation.id)] = replace(
            reservation
        )
        self._work.database.outbox += item.events
        item.events.clear()
        item.version, item.updated_at = item.version + 1, now
        return True


class InventoryWork:
    stock = Repository(InMemoryStock)
    lone_reservations = Repository(LoneReservations)
    stock_ledger = Repository(StockMovements)
    stock_reservations = Repository(StockReservations)
    shortage_alerts = Repository(ShortageAlerts)
    customer_inventory = Repository(CustomerInventory)
