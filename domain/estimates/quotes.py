"""The quote an approved estimate revision is to TrakService: a UUID of its own.

Seed 003 identifies a quote by a UUID (`aggregate_id`, `quote_id`) and shows its human
number in `quote_number`; the gateway's revisions are numbered `EST-001`. Each revision's
quote id is derived from the tenant and the revision's id (a name-based UUID, version 5),
so it is the same every time it is asked for, on every replica, with nothing stored, and
two tenants' `EST-001` never share one.
"""

from __future__ import annotations

import uuid

QUOTE_NAMESPACE = uuid.UUID("6f0f3f4e-54b1-5d0c-9a63-2b7c3c1d9e42")
"""Fixed for good: changing it would give every quote a new id."""


def quote_id_of(tenant_id: str, estimate_id: str) -> str:
    """The quote id of revision `estimate_id` of `tenant_id`."""
    return str(uuid.uuid5(QUOTE_NAMESPACE, f"{tenant_id}/{estimate_id}"))
