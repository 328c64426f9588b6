"""An event as a seed's document describes it: the contract's name and business fields.

`WireEvent` is what the format codecs (envelope, CloudEvents, quote) read and write:
the seed's event type (`CustomerCreatedEvent`, `com.durion.workexec.workorder.status_changed`,
`trakservice.quote.approved.v1`), the aggregate type the format carries, and the payload
in the contract's own field names (Decimal amounts, instants as ISO 8601 strings). The
domain never sees one: `registry.to_wire` makes it from a typed fact and
`registry.from_wire` turns it back into one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class WireEvent:
    event_type: str
    aggregate_type: str
    aggregate_id: str
    tenant_id: str
    payload: Mapping[str, Any]
    event_id: str
    occurred_at: datetime
