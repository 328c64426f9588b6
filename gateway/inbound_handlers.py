"""Which use case applies each event other systems send (the inbound consumer's handlers).

Event types without an entry here are not consumed yet: they wait in their topics until
a later issue adds their use case (see `subscriptions/inbound/consumer.py`).
"""

from __future__ import annotations

from collections.abc import Mapping

from domain.estimates import QUOTE_APPROVED
from domain.finance.periods import FINANCIAL_PERIOD_CLOSED_EVENT
from domain.service_orders import inbound as service_order_events
from resolvers.finance.periods import close_financial_period
from resolvers.finance.quote_costs import post_quote_costs
from resolvers.service_orders.inbound import (
    contract_entitlement_validated,
    parts_consumed,
    technician_assigned,
)
from subscriptions.inbound.handlers import Handler

HANDLERS: Mapping[str, Handler] = {
    FINANCIAL_PERIOD_CLOSED_EVENT: close_financial_period,
    QUOTE_APPROVED: post_quote_costs,
    service_order_events.TECHNICIAN_ASSIGNED: technician_assigned,
    service_order_events.PARTS_CONSUMED: parts_consumed,
    service_order_events.CONTRACT_ENTITLEMENT_VALIDATED: contract_entitlement_validated,
}
