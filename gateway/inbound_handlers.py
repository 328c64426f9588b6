"""Which use case applies each event other systems send (the inbound consumer's handlers).

Event types without an entry here are not consumed yet: they wait in their topics until
a later issue adds their use case (see `subscriptions/inbound/consumer.py`).
"""

from __future__ import annotations

from collections.abc import Mapping

from domain.estimates import QuoteApproved
from domain.finance.periods import PeriodClosed
from domain.inventory.events import StockShortageDetected
from domain.receivables.credit_memo import RebateIssued
from domain.service_orders.acknowledgements import (
    RevenueRecorded,
    SalesOrderCreatedForWorkOrder,
    WorkSessionCompleted,
)
from domain.service_orders.inbound import (
    AppointmentUpdated,
    ContractEntitlementValidated,
    PartsConsumed,
    TechnicianAssigned,
)
from resolvers.finance.periods import close_financial_period
from resolvers.finance.quote_costs import post_quote_costs
from resolvers.inventory.shortages import record_shortage_alert
from resolvers.receivables.credit_memos import rebate_issued
from resolvers.service_orders.acknowledgements import acknowledge
from resolvers.service_orders.inbound import (
    appointment_updated,
    contract_entitlement_validated,
    parts_consumed,
    technician_assigned,
)
from subscriptions.inbound.handlers import Handler

HANDLERS: Mapping[str, Handler] = {
    PeriodClosed.__name__: close_financial_period,
    QuoteApproved.__name__: post_quote_costs,
    TechnicianAssigned.__name__: technician_assigned,
    PartsConsumed.__name__: parts_consumed,
    ContractEntitlementValidated.__name__: contract_entitlement_validated,
    AppointmentUpdated.__name__: appointment_updated,
    StockShortageDetected.__name__: record_shortage_alert,
    RebateIssued.__name__: rebate_issued,
    WorkSessionCompleted.__name__: acknowledge,
    SalesOrderCreatedForWorkOrder.__name__: acknowledge,
    RevenueRecorded.__name__: acknowledge,
}
"""Keyed by the event type the consumer decodes: the class name of the typed fact the
wire parses the seed's event into."""
