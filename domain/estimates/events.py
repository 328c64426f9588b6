"""What an estimate records as it is decided: typed, past-tense facts.

`EstimateStatusChanged` is recorded by every decision (submit, approve, decline) and by
a revision (the new DRAFT, with no previous status). It carries the location, so a
location's dashboard can follow its estimates, and the grand total at that moment, so a
list can update without a read. `QuoteApproved` is what an approval tells finance: the
amounts it books and the instant that decides the month they belong to. How either looks
on the wire (seed 001's CloudEvent, seed 003's quote event) is made in
`subscriptions/wire/contracts/estimates.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from domain.estimates.status import EstimateStatus
from domain.events import DomainEvent

ESTIMATE = "estimate"
QUOTE = "quote"


@dataclass(frozen=True, kw_only=True)
class EstimateStatusChanged(DomainEvent):
    """Estimate `aggregate_id` moved at `occurred_at`; `previous_status` None for a new
    revision, whose `previous_estimate_id` is the revision it replaces."""

    aggregate_type = ESTIMATE

    number: str
    revision: int
    previous_status: EstimateStatus | None
    new_status: EstimateStatus
    location_id: str
    customer_id: str
    grand_total: Decimal
    previous_estimate_id: str | None
    changed_by: str


@dataclass(frozen=True, kw_only=True)
class QuoteApproved(DomainEvent):
    """The customer approved quote `aggregate_id`: the UUID of an estimate revision
    (domain/estimates/quotes.py), or of a quote TrakService approved itself.

    `total` is the grand total after discount and tax; the two subtotals are before
    discount. `discount_percent` is the percent the clerk gave, 0 when the discount was
    an amount. `valid_until` is the last day the approval was possible on.
    """

    aggregate_type = QUOTE

    quote_number: str
    total: Decimal
    subtotal_services: Decimal
    subtotal_materials: Decimal
    discount_percent: Decimal
    discount_amount: Decimal
    approved_at: datetime
    approved_by: str | None
    """None when the seed's record names nobody (`approved_by_id` may be null)."""
    valid_until: date
    item_count: int


EVENTS = (EstimateStatusChanged, QuoteApproved)
