"""Which use case applies each event other systems send (the inbound consumer's handlers).

Event types without an entry here are not consumed yet: they wait in their topics until
a later issue adds their use case (see `subscriptions/inbound/consumer.py`).
"""

from __future__ import annotations

from collections.abc import Mapping

from domain.financial_periods import FINANCIAL_PERIOD_CLOSED_EVENT
from resolvers.financial_periods import close_financial_period
from subscriptions.inbound.handlers import Handler

HANDLERS: Mapping[str, Handler] = {
    FINANCIAL_PERIOD_CLOSED_EVENT: close_financial_period,
}
