"""Sales opportunities that hold stock (seed 004, 1.2): a customer's likely order,
with a stage and a probability, whose items may be allocated (reserved) before it closes.

Seed 004's rules: no allocation for a CLOSED_LOST opportunity, nor for one below 0.3
probability. A CLOSED_LOST opportunity gives its stock back by itself; a CLOSED_WON one
becomes a sales order holding the same reservations (resolvers/sales/opportunities.py).
Reservations are the stock items' own (reference type OPPORTUNITY), made and released
by the use cases in the opportunity's unit of work; the opportunity knows which hold
each item.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum

from domain.checks import check_text
from domain.errors import DomainError, InvalidInput, NotFound, collect
from domain.events import DomainEvent
from domain.inventory.reservations import LONGEST_HOLD
from domain.money import to_cents

OPPORTUNITY = "opportunity"
LOWEST_PROBABILITY_TO_ALLOCATE = Decimal("0.3")


class OpportunityStage(StrEnum):
    LEAD = "LEAD"
    QUALIFIED = "QUALIFIED"
    PROPOSAL = "PROPOSAL"
    NEGOTIATION = "NEGOTIATION"
    CLOSED_WON = "CLOSED_WON"
    CLOSED_LOST = "CLOSED_LOST"


CLOSED = frozenset({OpportunityStage.CLOSED_WON, OpportunityStage.CLOSED_LOST})


class OpportunityNotFound(NotFound):
    code = "OPPORTUNITY_NOT_FOUND"

    def __init__(self, opportunity_id: str):
        super().__init__("Opportunity", opportunity_id)
        self.field = "opportunityId"


class LostOpportunity(DomainError):
    """Seed 004: 'Cannot allocate inventory for lost opportunities'."""

    code = "OPPORTUNITY_LOST"

    def __init__(self) -> None:
        super().__init__("Cannot allocate inventory for lost opportunities", field="stage")


class LowProbabilityOpportunity(DomainError):
    """Seed 004: 'Cannot allocate inventory for low-probability opportunities'."""

    code = "LOW_PROBABILITY_OPPORTUNITY"

    def __init__(self, probability: Decimal) -> None:
        super().__init__(
            "Cannot allocate inventory for low-probability opportunities "
            f"({probability} is below {LOWEST_PROBABILITY_TO_ALLOCATE}).",
            field="probability",
        )


class OpportunityClosed(DomainError):
    code = "INVALID_TRANSITION"

    def __init__(self, opportunity: Opportunity, action: str) -> None:
        super().__init__(
            f"Opportunity {opportunity.id} is {opportunity.stage}, so it cannot {action}.",
            field="stage",
        )


@dataclass(frozen=True, slots=True)
class OpportunityItem:
    line_number: int
    product_id: str
    sku: str
    location_id: str
    quantity: Decimal
    unit_price: Decimal
    reservation_id: str | None = None
    """The reservation holding it while the opportunity is allocated."""

    @property
    def value(self) -> Decimal:
        return to_cents(self.quantity * self.unit_price)

    @property
    def pair(self) -> tuple[str, str]:
        return self.product_id, self.location_id


@dataclass(frozen=True, kw_only=True)
class OpportunityCreated(DomainEvent):
    aggregate_type = OPPORTUNITY

    customer_id: str
    sales_rep_id: str
    stage: OpportunityStage
    probability: Decimal
    expected_close_date: date
    items: tuple[OpportunityItem, ...]


@dataclass(frozen=True, kw_only=True)
class OpportunityInventoryAllocated(DomainEvent):
    """Seed 004's `OpportunityInventoryAllocatedEvent`, once for all its items."""

    aggregate_type = OPPORTUNITY

    customer_id: str
    items: tuple[OpportunityItem, ...]
    expected_close_date: date
    reserved_until: datetime


@dataclass(frozen=True, kw_only=True)
class OpportunityInventoryReleased(DomainEvent):
    aggregate_type = OPPORTUNITY

    customer_id: str
    reservation_ids: tuple[str, ...]
    reason: str


@dataclass(frozen=True, kw_only=True)
class OpportunityStageChanged(DomainEvent):
    aggregate_type = OPPORTUNITY

    customer_id: str
    stage: OpportunityStage
    previous_stage: OpportunityStage
    probability: Decimal
    order_id: str | None
    """The sales order a CLOSED_WON opportunity became."""


EVENTS = (
    OpportunityCreated,
    OpportunityInventoryAllocated,
    OpportunityInventoryReleased,
    OpportunityStageChanged,
)


def check_probability(probability: Decimal) -> InvalidInput | None:
    if not probability.is_finite() or not Decimal(0) <= probability <= Decimal(1):
        return InvalidInput(
            f"A probability is between 0 and 1; got {probability}.", field="probability"
        )
    return None


def hold_until(expected_close_date: date, now: datetime) -> datetime:
    """Stock is held to the end of the expected close date, and at most the longest hold
    a reservation may have."""
    end_of_day = datetime.combine(expected_close_date + timedelta(days=1), time(), UTC)
    return min(end_of_day, now + LONGEST_HOLD)


@dataclass(frozen=True, slots=True)
class OpportunityFilter:
    customer_id: str | None = None
    stage: OpportunityStage | None = None


@dataclass(eq=False)
class Opportunity:
    id: str
    tenant_id: str
    customer_id: str
    sales_rep_id: str
    stage: OpportunityStage
    probability: Decimal
    expected_close_date: date
    items: list[OpportunityItem]
    order_id: str | None = None
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None
    events: list[DomainEvent] = field(default_factory=list, repr=False)

    @property
    def allocated(self) -> bool:
        return any(item.reservation_id is not None for item in self.items)

    @property
    def allocated_value(self) -> Decimal:
        return sum((i.value for i in self.items if i.reservation_id is not None), Decimal("0.00"))

    def items_by_stock(self) -> list[OpportunityItem]:
        """In the order their stock items are locked, as every sales use case locks them."""
        return sorted(self.items, key=lambda item: (item.pair, item.line_number))

    @classmethod
    def create(
        cls,
        opportunity_id: str,
        tenant_id: str,
        customer_id: str,
        sales_rep_id: str,
        stage: OpportunityStage,
        probability: Decimal,
        expected_close_date: date,
        items: Sequence[OpportunityItem],
        now: datetime,
    ) -> Opportunity:
        problems: list[DomainError | None] = [
            check_text(sales_rep_id, "salesRepId", "Name the sales rep."),
            check_probability(probability),
        ]
        if stage in CLOSED:
            problems.append(
                InvalidInput("An opportunity starts open; close it later.", field="stage")
            )
        if not items:
            problems.append(InvalidInput("An opportunity names at least one item.", field="items"))
        collect(*problems)
        created = cls(
            id=opportunity_id,
            tenant_id=tenant_id,
            customer_id=customer_id,
            sales_rep_id=sales_rep_id.strip(),
            stage=stage,
            probability=probability,
            expected_close_date=expected_close_date,
            items=list(items),
        )
        created.events.append(
            OpportunityCreated(
                **created._facts(now),
                sales_rep_id=created.sales_rep_id,
                stage=stage,
                probability=probability,
                expected_close_date=expected_close_date,
                items=tuple(created.items),
            )
        )
        return created

    def check_allocation(self) -> None:
        """Seed 004's rules, before any stock is touched."""
        if self.stage is OpportunityStage.CLOSED_LOST:
            raise LostOpportunity()
        if self.stage is OpportunityStage.CLOSED_WON:
            raise OpportunityClosed(self, "allocate inventory (its order holds the stock)")
        if self.probability < LOWEST_PROBABILITY_TO_ALLOCATE:
            raise LowProbabilityOpportunity(self.probability)
        if self.allocated:
            raise OpportunityClosed(self, "allocate inventory twice")

    def allocate(self, held: dict[int, str], until: datetime, now: datetime) -> None:
        """Its items are held by the reservations `held` (by line number)."""
        self.items = [replace(i, reservation_id=held[i.line_number]) for i in self.items]
        self.events.append(
            OpportunityInventoryAllocated(
                **self._facts(now),
                items=tuple(self.items),
                expected_close_date=self.expected_close_date,
                reserved_until=until,
            )
        )

    def release(self, reason: str, now: datetime) -> list[str]:
        """It holds nothing any more; the reservations to give back (the caller releases
        those still ACTIVE)."""
        held = [i.reservation_id for i in self.items if i.reservation_id is not None]
        if not held:
            return []
        self.items = [replace(i, reservation_id=None) for i in self.items]
        self.events.append(
            OpportunityInventoryReleased(
                **self._facts(now), reservation_ids=tuple(held), reason=reason
            )
        )
        return held

    def move_to(
        self,
        stage: OpportunityStage,
        probability: Decimal | None,
        order_id: str | None,
        now: datetime,
    ) -> None:
        if self.stage in CLOSED:
            raise OpportunityClosed(self, f"move to {stage}")
        if probability is not None:
            problem = check_probability(probability)
            if problem:
                raise problem
        previous = self.stage
        self.stage = stage
        if probability is not None:
            self.probability = probability
        if stage is OpportunityStage.CLOSED_WON:
            self.probability = Decimal(1)
        if stage is OpportunityStage.CLOSED_LOST:
            self.probability = Decimal(0)
        self.order_id = order_id
        self.events.append(
            OpportunityStageChanged(
                **self._facts(now),
                stage=stage,
                previous_stage=previous,
                probability=self.probability,
                order_id=order_id,
            )
        )

    def _facts(self, now: datetime) -> dict[str, object]:
        return {
            "aggregate_id": self.id,
            "tenant_id": self.tenant_id,
            "occurred_at": now,
            "customer_id": self.customer_id,
        }
