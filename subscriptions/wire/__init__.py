"""The gateway's events on the wire: one serializer per contract over `DomainEvent`.

The seeds fix three contracts: the `{eventType, eventId, ...}` envelope of the CRM and
AR topics (`envelope`), CloudEvents 1.0 structured JSON for the work-order events
(`cloudevents`) and the TrakService quote event (`quote`). `registry` says which event
type goes to which topic in which format, and turns Kafka records back into events.
"""
