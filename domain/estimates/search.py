"""What a list of estimates can be narrowed by (a customer's history, a location's desk)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.estimates.status import EstimateStatus


@dataclass(frozen=True, slots=True)
class EstimateFilter:
    """Empty or None means any; several statuses mean any of them.

    A status is the one a customer sees at the moment of asking (`Estimate.status_at`):
    EXPIRED matches the pending estimates past their validity, PENDING_APPROVAL only the
    others. `since` is inclusive and `until` exclusive, on the creation instant.
    """

    customer_id: str | None = None
    vehicle_id: str | None = None
    location_id: str | None = None
    statuses: tuple[EstimateStatus, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
