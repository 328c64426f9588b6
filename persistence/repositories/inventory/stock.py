"""Stock items of one tenant: a level row per (part, location), the movements appended
to the ledger with it and its reservations (the ACTIVE ones loaded with it; new ones
inserted, ended ones updated), all in the same transaction.

Stock commands decide on the latest figures under a row lock (`get(..., lock=True)`):
the row is read FOR UPDATE; a pair never stocked is then inserted empty at version 0
(INSERT ... ON CONFLICT DO NOTHING: of two first receipts racing, the second waits for
the first's row, instead of failing on the key) and read FOR UPDATE again. Fifty clients
issuing the last ten units thus queue on one row and each decides on what the one
before it left. A stocked pair costs one statement, and its reservations a second only
if it holds any. Unlocked, a pair never stocked reads as an empty item, inserted if
it changes (a reorder point set before the first receipt).

Items a new sales order reserves from are written by the order's own statement: the
order's repository `carry`s them, and at commit takes their writes (`carried`) and
hands back what its statement wrote (`written`), as a payment carries the money moves
of its invoices; an order written alone also locks them in its statement first and
writes them only if they are still at the versions read (`levels_still_at`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    FromClause,
    Select,
    String,
    Update,
    and_,
    bindparam,
    cast,
    func,
    insert,
    literal,
    select,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert

from domain.catalog import PartNotFound
from domain.errors import DomainError
from domain.inventory.movements import StockMovement
from domain.inventory.stock import StockItem, stock_id, stock_key
from domain.paging import PageRequest
from persistence.driver import TenantDriver
from persistence.repositories.aggregates import AggregateRepository
from persistence.repositories.base import (
    by_column,
    insert_unnested,
    of_tenant,
    one_of_param,
    take_written,
)
from persistence.repositories.inventory.reservations import (
    ACTIVE,
    ACTIVE_OF_ITEM,
    ADD,
    DUE,
    DUE_OF_ITEMS,
    END,
    ITEMS,
    STORED,
    ending_values,
    reservation_of,
    stored_values,
)
from persistence.tables import parts, stock_levels, stock_movements, stock_reservations

LEVEL = stock_levels.c
ITEM_COLUMNS = [
    LEVEL.product_id,
    LEVEL.location_id,
    parts.c.sku,
    LEVEL.on_hand,
    LEVEL.reserved,
    LEVEL.reorder_point,
    LEVEL.lead_time_days,
    LEVEL.version,
    LEVEL.created_at,
    LEVEL.updated_at,
]
WITH_PART = stock_levels.join(
    parts, and_(parts.c.tenant_id == LEVEL.tenant_id, parts.c.id == LEVEL.product_id)
)
THE_PAIR = (
    LEVEL.product_id == bindparam("product_id"),
    LEVEL.location_id == bindparam("location_id"),
)
ITEM_BY_KEY = select(*ITEM_COLUMNS).select_from(WITH_PART).where(of_tenant(stock_levels), *THE_PAIR)
LOCKED_ITEM_BY_KEY = ITEM_BY_KEY.with_for_update(of=stock_levels)
LOCKED_ITEM_BY_SKU = (
    select(*ITEM_COLUMNS)
    .select_from(WITH_PART)
    .where(
        of_tenant(stock_levels),
        LEVEL.sku == bindparam("sku"),
        LEVEL.location_id == bindparam("location_id"),
    )
    .with_for_update(of=stock_levels)
)
_DUE_HELD = (
    select(literal(True).label("holds_due"))
    .where(
        stock_reservations.c.tenant_id == LEVEL.tenant_id,
        stock_reservations.c.product_id == LEVEL.product_id,
        stock_reservations.c.location_id == LEVEL.location_id,
        ACTIVE,
        DUE,
    )
    .correlate(stock_levels)
    .limit(1)
    .lateral("due")
)
"""Whether the level holds an ACTIVE reservation due: one probe of the index of ACTIVE
reservations by item and expiry per level. Asked as an EXISTS, the plan could hash every
due-looking ACTIVE reservation of the tenant instead (the generic plan cannot know that
`now` leaves almost none); the LIMIT keeps it a lookup per level."""


def to_reserve_of(pairs: FromClause, *conditions: ColumnElement[bool]) -> Select:
    """The level rows of the (product, location) `pairs` (a relation with those two
    columns) where `conditions` hold, in (product, location) order, unlocked. The SKU
    is the level's own (its foreign key to the part keeps it the part's), so the parts
    are not read. Each level says whether it holds an ACTIVE reservation past its time
    at `now`."""
    return (
        select(
            *(LEVEL.sku if column is parts.c.sku else column for column in ITEM_COLUMNS),
            _DUE_HELD.c.holds_due,
        )
        .select_from(stock_levels.join(pairs, true()).outerjoin(_DUE_HELD, true()))
        .where(
            of_tenant(stock_levels),
            LEVEL.product_id == pairs.c.product_id,
            LEVEL.location_id == pairs.c.location_id,
            *conditions,
        )
        .order_by(LEVEL.product_id, LEVEL.location_id)
    )


def locked_to_reserve_of(pairs: FromClause, *conditions: ColumnElement[bool]) -> Select:
    """`to_reserve_of`, the rows locked in (product, location) order: PostgreSQL locks
    the rows as the sort emits them, the order every sales use case locks items in, so
    two orders sharing parts never deadlock. Whether a level holds a due reservation is
    as the statement's snapshot saw it (taken before the locks were waited for): a
    reservation ended meanwhile may still show, which costs the reading of the due ones
    (after the lock, so it is not expired twice); one made meanwhile and due by `now`
    already (a hold of less than a lock wait) may not, and is then left for the
    sweeper: the level's `reserved` figure, read under the lock, counts it, so
    reserving errs on the side of less available, never more."""
    return to_reserve_of(pairs, *conditions).with_for_update(of=stock_levels)


LOCKED_ITEMS_TO_RESERVE = locked_to_reserve_of(ITEMS)
LOCKED_VALUES = ["product_id", "location_id", *(c.name for c in ITEM_COLUMNS[2:]), "holds_due"]
"""The columns of a `locked_to_reserve_of` row, which `StockRepository.adopted` takes."""
LOCKED_ITEM_BY_KEY_AND_SKU = LOCKED_ITEM_BY_KEY.where(LEVEL.sku == bindparam("sku"))
SKU_OF_PART = select(parts.c.sku).where(of_tenant(parts), parts.c.id == bindparam("product_id"))
THE_LEVELS_KEY = [LEVEL.tenant_id, LEVEL.product_id, LEVEL.location_id]
OPEN_LEVEL = (
    pg_insert(stock_levels)
    .from_select(
        ["tenant_id", "product_id", "location_id", "sku", "version"],
        select(
            parts.c.tenant_id,
            parts.c.id,
            bindparam("location_id", type_=String),
            parts.c.sku,
            literal(0),
        ).where(of_tenant(parts), parts.c.id == bindparam("product_id")),
    )
    .on_conflict_do_nothing(index_elements=THE_LEVELS_KEY)
)
"""The pair's row, empty at version 0, unless it exists (with its part's SKU)."""
ADD_LEVEL = (
    pg_insert(stock_levels)
    .on_conflict_do_nothing(index_elements=THE_LEVELS_KEY)
    .returning(LEVEL.version, LEVEL.created_at, LEVEL.updated_at)
)
FIGURES = ["on_hand", "reserved", "reorder_point", "lead_time_days"]
_SAVED_KEYS = ("product_id", "location_id", "version")


def _save_levels(saved: FromClause) -> Update:
    """The levels of `saved` (product_id, location_id, the version read and FIGURES),
    each still at that version, updated; a level changed meanwhile is missing from what
    it returns."""
    return (
        update(stock_levels)
        .where(
            of_tenant(stock_levels),
            LEVEL.product_id == saved.c.product_id,
            LEVEL.location_id == saved.c.location_id,
            LEVEL.version == saved.c.version,
        )
        .values(
            {
                **{name: saved.c[name] for name in FIGURES},
                "version": LEVEL.version + 1,
                "updated_at": func.now(),
            }
        )
        .returning(LEVEL.product_id, LEVEL.location_id, LEVEL.version, LEVEL.updated_at)
    )


_SAVED = (
    func.unnest(
        *(bindparam(f"key_{name}", type_=ARRAY(LEVEL[name].type)) for name in _SAVED_KEYS),
        *(bindparam(name, type_=ARRAY(LEVEL[name].type)) for name in FIGURES),
    )
    .table_valued(*_SAVED_KEYS, *FIGURES)
    .render_derived(name="saved")
)
SAVE_LEVELS = _save_levels(_SAVED)
"""Any number of levels in one statement (the values `by_column`, each an array)."""
SAVE_LEVEL = _save_levels(
    select(
        *(
            cast(bindparam(f"key_{name}", type_=LEVEL[name].type), LEVEL[name].type).label(name)
            for name in _SAVED_KEYS
        ),
        *(
            cast(bindparam(name, type_=LEVEL[name].type), LEVEL[name].type).label(name)
            for name in FIGURES
        ),
    ).subquery("saved")
)
"""One level, its values as they are (not arrays). PostgreSQL estimates an array's
`unnest` at 10 rows when it plans a statement for any values, and at the array's length
when it plans it for the values given: for one level the plan for any values (a nested
loop over 10 levels) looked ten times dearer than a plan for the values given, so it
planned the statement anew on every run (0.3 ms of the database's CPU, as much as running
it). With one row known in both, it keeps the plan it made once."""
ADDED_PREFIX = "added_"


def levels_and_reservations(only_if: ColumnElement[bool] | None = None) -> tuple[CTE, CTE]:
    """SAVE_LEVELS and the INSERT of the items' new reservations (their values named
    with ADDED_PREFIX), as the data-modifying CTEs of another statement; `only_if`:
    neither writes anything unless it holds."""
    saved = SAVE_LEVELS if only_if is None else SAVE_LEVELS.where(only_if)
    added = insert_unnested(
        stock_reservations, STORED, shared=["tenant_id"], prefix=ADDED_PREFIX, only_if=only_if
    )
    return saved.cte("levels_saved"), added.cte("reservations_added")


LEVELS_SAVED, RESERVATIONS_ADDED = levels_and_reservations()


def levels_still_at(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """Whether every level SAVE_LEVELS is given (its `key_` arrays), locked in
    (product, location) order where `conditions` hold, is still at the version read:
    the condition of a statement that writes an order's items alone. The rows are
    locked first (FOR UPDATE gives each one's latest version, after waiting for a
    change in flight), so a level changed since it was read makes it false, and so do
    `conditions` that fail."""
    held = (
        select(LEVEL.product_id)
        .select_from(stock_levels.join(_SAVED, true()))
        .where(
            of_tenant(stock_levels),
            LEVEL.product_id == _SAVED.c.product_id,
            LEVEL.location_id == _SAVED.c.location_id,
            LEVEL.version == _SAVED.c.version,
            *conditions,
        )
        .order_by(LEVEL.product_id, LEVEL.location_id)
        .with_for_update(of=stock_levels)
        .cte("levels_held")
    )
    keys = bindparam("key_product_id", type_=ARRAY(LEVEL.product_id.type))
    return (
        select((func.count() == func.cardinality(keys)).label("current"))
        .select_from(held)
        .scalar_subquery()
    )


SAVE_LEVELS_ADDING = select(*LEVELS_SAVED.c).add_cte(RESERVATIONS_ADDED)
"""SAVE_LEVELS and the items' new reservations in one round trip, as an order or a
receipt filling backorders writes them: a data-modifying CTE runs whether or not the
query reads it. The reservations' values are named with ADDED_PREFIX, so that none is
taken for a column of the level the UPDATE sets. A level found changed makes the unit
of work fail (VERSION_CONFLICT), which rolls the reservations back with it."""
APPEND_MOVEMENT = insert(stock_movements)
LEVELS_OF_PRODUCTS = (
    select(*ITEM_COLUMNS)
    .select_from(WITH_PART)
    .where(of_tenant(stock_levels), one_of_param(LEVEL.product_id, "product_ids"))
    .order_by(LEVEL.product_id, LEVEL.location_id)
)
_RANKED = (
    select(
        *ITEM_COLUMNS,
        func.row_number()
        .over(partition_by=LEVEL.location_id, order_by=(parts.c.sku, LEVEL.product_id))
        .label("rank"),
    )
    .select_from(WITH_PART)
    .where(of_tenant(stock_levels), one_of_param(LEVEL.location_id, "location_ids"))
    .subquery()
)
LEVELS_AT_LOCATIONS = (
    select(*(c for c in _RANKED.c if c.name != "rank"))
    .where(_RANKED.c.rank > bindparam("skip"), _RANKED.c.rank <= bindparam("until"))
    .order_by(_RANKED.c.location_id, _RANKED.c.rank)
)
MOVEMENT_VALUES = [
    c.name for c in stock_movements.c if c.name not in {"tenant_id", "position", "recorded_at"}
]


ITEM_VALUES = [column.name for column in ITEM_COLUMNS[2:]]
"""A StockItem's fields after its tenant, product and location, in its order."""


def _item(tenant_id: str, row: Mapping[str, Any]) -> StockItem:
    return StockItem(tenant_id=tenant_id, **row)


def _movement_values(movement: StockMovement) -> dict[str, Any]:
    return {
        **{name: getattr(movement, name) for name in MOVEMENT_VALUES},
        "kind": movement.kind.value,
    }


class StockRepository(AggregateRepository[StockItem]):
    """Stock items by their `stock_id` (`PART-001@LOC-001`); a pair never stocked is an
    empty item (see above), `get` answers None only if this tenant has no such part."""

    table = stock_levels
    noun = "Stock"

    def __init__(self, statements: TenantDriver):
        super().__init__(statements)
        self._carried: set[tuple[str, str]] = set()
        self._awaiting: dict[str, tuple[StockItem, Any]] = {}
        """Carried items this repository's flush left to the order's statement, with
        their stored form before the unit changed them."""

    def carry(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Leave the writes of these items to the statement that inserts the new order
        reserving from them (`carried`, then `written`): at commit their level and new
        reservations are not written here, unless they changed otherwise too (a
        movement, a reservation ended)."""
        self._carried.update(pairs)

    def carried(self) -> list[tuple[StockItem, dict[str, Any], list[dict[str, Any]]]]:
        """The carried items whose level changed and is not written yet (whether or not
        this repository was flushed first), each with its level's values and its new
        reservations' (as LEVELS_SAVED and RESERVATIONS_ADDED take them, `by_column`)."""
        awaiting = dict(self._awaiting)
        for item, before, _ in self._tracked.values():
            if item.id not in awaiting and self._carries(item, before):
                awaiting[item.id] = (item, before)
        return [
            (item, _level_values(item), _added(item, before)) for item, before in awaiting.values()
        ]

    def written(self, items: Sequence[StockItem], rows: Sequence[Mapping[str, Any]]) -> None:
        """Take what the order's statement wrote of `items` (SAVE_LEVELS' RETURNING
        rows): one it did not write was changed meanwhile, VERSION_CONFLICT."""
        self._take_saved(items, rows)
        for item in items:
            self._stored_now(item)
        self._awaiting.clear()

    def _take_saved(self, items: Iterable[StockItem], rows: Iterable[Mapping[str, Any]]) -> None:
        """Take SAVE_LEVELS' RETURNING `rows` into `items`: an item with no row was
        changed meanwhile (VERSION_CONFLICT)."""
        saved = {(row["product_id"], row["location_id"]): row for row in rows}
        for item in items:
            row = saved.get((item.product_id, item.location_id))
            if row is None:
                raise self.stale(item.id, item.version)
            take_written(item, row)

    def _carries(self, item: StockItem, before: Any) -> bool:
        """Whether the order's statement writes the item: it is carried, stored, and
        changed by new reservations only (a movement or an ended reservation is written
        here, with the level)."""
        return (
            (item.product_id, item.location_id) in self._carried
            and before is not None
            and len(item.movements) == before["movements"]
            and all(
                before["reservations"].get(r.id, r.status) == r.status for r in item.reservations
            )
            and self._stored_form(item) != before
        )

    async def _read(self, item_id: str, lock: bool) -> StockItem | None:
        key = stock_key(item_id)
        if key is None:
            return None
        pair = {"product_id": key[0], "location_id": key[1]}
        if lock:
            row = await self._row(LOCKED_ITEM_BY_KEY, **pair)
            if row is None:
                await self._run(OPEN_LEVEL, **pair)
                row = await self._row(LOCKED_ITEM_BY_KEY, **pair)
            return None if row is None else await self._with_reservations(row, pair)
        row = await self._row(ITEM_BY_KEY, **pair)
        if row is not None:
            return await self._with_reservations(row, pair)
        sku = await self._value(SKU_OF_PART, product_id=key[0])
        if sku is None:
            return None
        return self.track_new(StockItem(self.tenant_id, key[0], key[1], sku))

    async def locked_if_stocked(
        self, product_id: str | None, sku: str | None, location_id: str
    ) -> StockItem | None:
        """The stored item of the part (by id, by normalized SKU, or both) at the location,
        locked and tracked as `get(..., lock=True)` leaves it, in one statement when it
        holds nothing reserved; None if there is no such level row (the part was never
        stocked there, the id and SKU disagree, or this tenant has no such part or
        location), which the caller tells apart by the general path."""
        if product_id is None and sku is None:
            return None
        if sku is None:
            statement, key = LOCKED_ITEM_BY_KEY, {"product_id": product_id}
        elif product_id is None:
            statement, key = LOCKED_ITEM_BY_SKU, {"sku": sku}
        else:
            statement, key = LOCKED_ITEM_BY_KEY_AND_SKU, {"product_id": product_id, "sku": sku}
        row = await self._row(statement, **key, location_id=location_id)
        if row is None:
            return None
        pair = {"product_id": row["product_id"], "location_id": location_id}
        return self.track(await self._with_reservations(row, pair))

    async def locked_to_reserve(
        self, pairs: Sequence[tuple[str, str]], now: datetime
    ) -> dict[tuple[str, str], StockItem]:
        """The items of the (product, location) pairs, each locked and tracked, to reserve
        from at `now`: the stocked ones in one statement, locked in (product, location)
        order, each holding, of its ACTIVE reservations, only those due at `now` (which
        reserving expires first), read in a second statement only if one holds any; the
        others' quantities are in the level's `reserved` figure, and reading them cost
        each order more as they grew. A pair never stocked, or whose part this tenant
        lacks, goes the general way after them (opened, then locked, all its ACTIVE
        reservations read), and a missing part is left out."""
        wanted = sorted(set(pairs))
        rows = await self._rows(
            LOCKED_ITEMS_TO_RESERVE,
            product_ids=[product for product, _ in wanted],
            location_ids=[location for _, location in wanted],
            now=now,
        )
        found = await self.adopted(rows, now)
        for pair in wanted:
            if pair not in found:
                opened = await self.get(stock_id(*pair), lock=True)
                if opened is not None:
                    found[pair] = opened
        return found

    async def adopted(
        self, rows: Sequence[Mapping[str, Any]], now: datetime
    ) -> dict[tuple[str, str], StockItem]:
        """The items of the level rows a `locked_to_reserve_of` statement locked (here or
        in another repository's statement, which then saves its own round trip), tracked,
        each holding its ACTIVE reservations due at `now`, read in one statement only if
        one holds any."""
        items: dict[tuple[str, str], StockItem] = {}
        holding: list[tuple[str, str]] = []
        for row in rows:
            pair = (row["product_id"], row["location_id"])
            items[pair] = StockItem(self.tenant_id, *pair, *(row[name] for name in ITEM_VALUES))
            if row["holds_due"]:
                holding.append(pair)
        if holding:
            for row in await self._rows(
                DUE_OF_ITEMS,
                product_ids=[product for product, _ in holding],
                location_ids=[location for _, location in holding],
                now=now,
            ):
                items[(row["product_id"], row["location_id"])].reservations.append(
                    reservation_of(row)
                )
        return {pair: self.track(item) for pair, item in items.items()}

    async def _with_reservations(self, row: Mapping[str, Any], pair: dict[str, str]) -> StockItem:
        """The item of a level row with its ACTIVE reservations, read after the row's lock
        was taken (so none ended meanwhile is seen as active). A level with nothing
        reserved has none (reserved is their sum, each holding more than zero; the
        checker proves it), so it costs no statement."""
        item = _item(self.tenant_id, row)
        if item.reserved:
            item.reservations = [
                reservation_of(r) for r in await self._rows(ACTIVE_OF_ITEM, **pair)
            ]
        return item

    def not_found(self, item_id: str) -> DomainError:
        return PartNotFound(f"Part '{(stock_key(item_id) or (item_id,))[0]}' was not found.")

    async def levels_of_products(self, product_ids: Sequence[str]) -> dict[str, list[StockItem]]:
        """Every stocked location of each part, in one statement however many parts."""
        found: dict[str, list[StockItem]] = {key: [] for key in product_ids}
        for row in await self._rows(LEVELS_OF_PRODUCTS, product_ids=list(product_ids)):
            found[row["product_id"]].append(_item(self.tenant_id, row))
        return found

    async def levels_at_locations(
        self, location_ids: Sequence[str], request: PageRequest
    ) -> dict[str, list[StockItem]]:
        """One page (in SKU order) of each location's stocked parts, in one statement."""
        found: dict[str, list[StockItem]] = {key: [] for key in location_ids}
        rows = await self._rows(
            LEVELS_AT_LOCATIONS,
            location_ids=list(location_ids),
            skip=request.offset,
            until=request.offset + request.page_size,
        )
        for row in rows:
            found[row["location_id"]].append(_item(self.tenant_id, row))
        return found

    def _stored_form(self, item: StockItem) -> dict[str, Any]:
        return {
            "on_hand": item.on_hand,
            "reserved": item.reserved,
            "reorder_point": item.reorder_point,
            "lead_time_days": item.lead_time_days,
            "movements": len(item.movements),
            "reservations": {r.id: r.status for r in item.reservations},
        }

    async def _save(self, item: StockItem, before: dict[str, Any] | None) -> None:
        await self._save_all([(item, before)])

    async def _save_all(self, changed: list[tuple[StockItem, Any]]) -> None:
        """Every changed item's level in one statement (version-checked: one that matched
        no row is VERSION_CONFLICT; a new item is inserted on its own) with their new
        reservations, then every new movement and ended reservation of them all, one
        round trip each: an order of ten lines writes its ten items in one. A carried
        item waits for the order's statement (`carry`)."""
        kept = []
        for item, before in changed:
            if self._carries(item, before):
                self._awaiting[item.id] = (item, before)
            else:
                kept.append((item, before))
        changed = kept
        movements: list[dict[str, Any]] = []
        added: list[dict[str, Any]] = []
        ended: list[dict[str, Any]] = []
        for item, before in changed:
            movements += [
                _movement_values(m)
                for m in item.movements[0 if before is None else before["movements"] :]
            ]
            added += _added(item, before)
            known = {} if before is None else before["reservations"]
            ended += [
                ending_values(r)
                for r in item.reservations
                if r.id in known and known[r.id] != r.status
            ]
        for item, before in changed:
            if before is None:
                await self._add_level(item)
        stored = [item for item, before in changed if before is not None]
        if stored:
            levels = [_level_values(item) for item in stored]
            statement, values = SAVE_LEVELS, by_column(levels, list(levels[0]))
            if added:
                statement = SAVE_LEVELS_ADDING
                values.update(by_column(added, STORED, prefix=ADDED_PREFIX))
                added = []
            elif len(levels) == 1:
                statement, values = SAVE_LEVEL, levels[0]
            self._take_saved(stored, await self._rows(statement, **values))
        await self._run_many(APPEND_MOVEMENT, movements)
        if added:
            await self._run(ADD, **by_column(added, STORED))
        await self._run_many(END, ended)

    async def _add_level(self, item: StockItem) -> None:
        row = await self._row(
            ADD_LEVEL,
            product_id=item.product_id,
            location_id=item.location_id,
            **figures(item),
            sku=item.sku,
            version=1,
        )
        if row is None:
            raise self.stale(item.id, item.version)
        take_written(item, row)


def _level_values(item: StockItem) -> dict[str, Any]:
    """The item's level as SAVE_LEVEL takes it (and SAVE_LEVELS, `by_column`), keyed by the
    version read."""
    return {
        **figures(item),
        "key_product_id": item.product_id,
        "key_location_id": item.location_id,
        "key_version": item.version,
    }


def _added(item: StockItem, before: Any) -> list[dict[str, Any]]:
    """The item's reservations made since `before`, as ADD and SAVE_LEVELS_ADDING take them."""
    known = {} if before is None else before["reservations"]
    return [stored_values(r) for r in item.reservations if r.id not in known]


def figures(item: StockItem) -> dict[str, Any]:
    return {
        "on_hand": item.on_hand,
        "reserved": item.reserved,
        "reorder_point": item.reorder_point,
        "lead_time_days": item.lead_time_days,
    }
