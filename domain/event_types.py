"""The one registry of event types: each typed event's name and its class.

The outbox stores an event as its name and its facts; reading it back needs the class
of that name. Each area lists its events (`EVENTS`) beside their definitions, and this
module joins the lists, refusing a name two classes would share.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from domain import customers
from domain.estimates import events as estimates
from domain.events import DomainEvent
from domain.inventory import events as inventory
from domain.inventory import pricing_events as customer_pricing
from domain.receivables import credit_control, credit_memo, dunning, write_off
from domain.receivables import events as receivables
from domain.sales import backorders, opportunities
from domain.sales import events as sales
from domain.service_orders import acknowledgements, sla_alerts
from domain.service_orders import events as service_orders


def _registry(*areas: Iterable[type[DomainEvent]]) -> Mapping[str, type[DomainEvent]]:
    found: dict[str, type[DomainEvent]] = {}
    for area in areas:
        for event_class in area:
            if event_class.__name__ in found:
                raise ValueError(f"two event classes are named {event_class.__name__}")
            found[event_class.__name__] = event_class
    return MappingProxyType(found)


EVENT_TYPES = _registry(
    customers.EVENTS,
    estimates.EVENTS,
    service_orders.EVENTS,
    acknowledgements.EVENTS,
    sla_alerts.EVENTS,
    inventory.EVENTS,
    customer_pricing.EVENTS,
    sales.EVENTS,
    backorders.EVENTS,
    opportunities.EVENTS,
    receivables.EVENTS,
    credit_control.EVENTS,
    credit_memo.EVENTS,
    dunning.EVENTS,
    write_off.EVENTS,
)


def event_class(name: str) -> type[DomainEvent] | None:
    """The class of the event type `name`, or None for a name no area registered."""
    return EVENT_TYPES.get(name)
