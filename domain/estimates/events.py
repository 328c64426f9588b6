"""`com.durion.workexec.estimate.status_changed`: an estimate moved to another state.

Recorded by every decision (submit, approve, decline) and by a revision (the new
DRAFT). The payload carries the location, so a location's dashboard can follow its
estimates, and the totals at that moment, so a list can update without a read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.estimates.audit import iso_utc
from domain.estimates.estimate import Estimate
from domain.identity import Principal

ESTIMATE_STATUS_CHANGED = "com.durion.workexec.estimate.status_changed"
ESTIMATE_AGGREGATE = "estimate"


def status_changed_payload(
    estimate: Estimate, previous_status: str | None, by: Principal, now: datetime
) -> dict[str, Any]:
    """What a dashboard needs to show the change; `previous_status` None for a new revision."""
    return {
        "estimateId": estimate.id,
        "estimateNumber": estimate.number,
        "revision": estimate.revision,
        "previousStatus": previous_status,
        "newStatus": str(estimate.status),
        "locationId": estimate.location_id,
        "customerId": estimate.customer_id,
        "grandTotal": estimate.totals.grand_total,
        "previousEstimateId": estimate.previous_id,
        "statusChangedAt": iso_utc(now),
        "statusChangedBy": by.user_id,
    }
