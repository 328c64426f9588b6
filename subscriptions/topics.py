"""The Kafka topics the seeds name, with their partition counts.

The gateway creates any that are missing at start-up, so a fresh broker (the embedded
one keeps nothing across restarts) is ready before the first event is published.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiokafka.admin import AIOKafkaAdminClient, NewPartitions, NewTopic
from aiokafka.errors import IncompatibleBrokerVersion

from subscriptions.broker_marker import MARKER_TOPIC

log = logging.getLogger("gateway.kafka")

TOPICS: dict[str, int] = {
    # CRM service orders (seed 000)
    "crm.serviceorders.created": 6,
    "crm.serviceorders.scheduled": 6,
    "crm.serviceorders.completed": 6,
    "crm.serviceorders.billed": 6,
    "crm.serviceorders.sla.breached": 3,
    # The gateway's own at-risk warning (issue 5; no seed names it), beside the breaches
    "crm.serviceorders.sla.at_risk": 3,
    # Finance accounts receivable (seed 002)
    "finance.ar.invoice.posted": 12,
    "finance.ar.invoice.cancelled": 6,
    "finance.ar.payment.received": 12,
    "finance.ar.payment.reversed": 6,
    "finance.ar.credit.memo.issued": 6,
    "finance.ar.dunning.notice.generated": 3,
    "finance.ar.customer.blocked": 3,
    "finance.ar.writeoff.approved": 3,
    # CRM customers and vehicles (the gateway's own; no seed gives a count)
    "crm.customers.created": 6,
    "crm.customers.updated": 6,
    "crm.vehicles.registered": 6,
    "crm.vehicles.updated": 6,
    # WorkExec work-order CloudEvents (seed 001 Phase 4.4 names no topics; see wire/registry)
    "workexec.workorder.parts_usage_recorded": 6,
    "workexec.workorder.work_session_recorded": 6,
    "workexec.workorder.status_changed": 6,
    "workexec.workorder.ready_for_billing": 6,
    "workexec.workorder.snapshot_finalized": 6,
    # Seed 001's fail-closed acknowledgements, and the alert of one that is late
    # (docs/acknowledgements.md; seed 001 names the events, not their topics)
    "workexec.workorder.acknowledgement_overdue": 3,
    "people.work_session.completed": 6,
    "order.sales_order.created": 6,
    "accounting.revenue.recorded": 6,
    # WorkExec estimates (the gateway's choice, like the work-order topics)
    "workexec.estimate.status_changed": 6,
    # The stock ledger (issue 16): movements, and seed 001's stock_shortage_alert
    "inventory.stock.moved": 6,
    "inventory.stock.shortage_alert": 3,
    # Reservations (issue 16): reserved, released, consumed, expired, keyed by stock item
    "inventory.stock.reservations": 6,
    # Customers' view of inventory (issue 16; seed 004's pricing event, the gateway's topics)
    "inventory.customer.pricing_updated": 6,
    "inventory.customer.tier_changed": 3,
    # Sales orders (issue 17; seed 002's sales.order.fulfilled, below, is one of them)
    "sales.order.inventory_allocated": 6,
    "sales.order.fulfillment_started": 6,
    "sales.order.shipped": 6,
    "sales.order.delivered": 6,
    "sales.order.cancelled": 6,
    "sales.order.synced": 6,
    "sales.backorder.created": 6,
    "sales.backorder.fulfilled": 6,
    "sales.opportunity.created": 6,
    "sales.opportunity.inventory_allocated": 6,
    "sales.opportunity.inventory_released": 6,
    "sales.opportunity.stage_changed": 6,
    # TrakService quotes (seed 003)
    "trakservice.quote.approved.v1": 6,
    # Consumed from other domains (seeds 000 and 002; names in subscriptions/inbound/topics)
    "dispatch.technician.assigned": 3,
    "inventory.parts.consumed": 3,
    "contracts.entitlement.validated": 3,
    "finance.period.closed": 3,
    "sales.order.fulfilled": 3,
    "contracts.renewal": 3,
    "treasury.bank.statement.imported": 3,
    "sales.rebate.issued": 3,
    "shopmgmt.appointment.updated": 3,
    # Their dead-letter topics: records the gateway could not apply, with the reason
    "dispatch.technician.assigned.dlq": 1,
    "inventory.parts.consumed.dlq": 1,
    "contracts.entitlement.validated.dlq": 1,
    "finance.period.closed.dlq": 1,
    "sales.order.fulfilled.dlq": 1,
    "contracts.renewal.dlq": 1,
    "treasury.bank.statement.imported.dlq": 1,
    "sales.rebate.issued.dlq": 1,
    "trakservice.quote.approved.v1.dlq": 1,
    "shopmgmt.appointment.updated.dlq": 1,
    "inventory.stock.shortage_alert.dlq": 1,
    "people.work_session.completed.dlq": 1,
    "order.sales_order.created.dlq": 1,
    "accounting.revenue.recorded.dlq": 1,
    # The relay's marker: the broker still holds what it acknowledged (broker_marker.py)
    MARKER_TOPIC: 1,
}
TOPIC_CONFIGS: dict[str, dict[str, str]] = {MARKER_TOPIC: {"cleanup.policy": "compact"}}
"""Topic settings beside the broker's defaults: retention must never drop the marker."""


async def ensure_topics(
    admin: AIOKafkaAdminClient, topics: dict[str, int] | None = None, replication: int = 1
) -> list[str]:
    """Create the missing topics and give too few partitions their declared count; return
    the names changed. A topic with more partitions than declared (one a broker created
    by itself) cannot shrink: it is logged as an error, for an operator to recreate."""
    wanted = topics or TOPICS
    existing = set(await admin.list_topics())
    missing = [name for name in wanted if name not in existing]
    if missing:
        await admin.create_topics(
            [
                NewTopic(
                    name,
                    num_partitions=wanted[name],
                    replication_factor=replication,
                    topic_configs=TOPIC_CONFIGS.get(name, {}),
                )
                for name in missing
            ]
        )
        log.info("created Kafka topics: %s", ", ".join(missing))
    present = [name for name in wanted if name in existing]
    described = await admin.describe_topics(present) if present else []  # [] would be all
    counts = {t["topic"]: len(t["partitions"]) for t in described if t["topic"] in wanted}
    short = {name: wanted[name] for name, count in counts.items() if count < wanted[name]}
    if short:
        try:
            await admin.create_partitions({name: NewPartitions(n) for name, n in short.items()})
            log.warning("gave Kafka topics their declared partitions: %s", short)
        except IncompatibleBrokerVersion:
            log.error(
                "Kafka topics have fewer partitions than declared and this broker cannot add "
                "partitions; recreate them: %s",
                short,
            )
            short = {}
    for name, count in counts.items():
        if count > wanted[name]:
            log.error(
                "Kafka topic %s has %d partitions, not the declared %d (was it auto-created?); "
                "recreate it with %d so one aggregate's events stay in order",
                name,
                count,
                wanted[name],
                wanted[name],
            )
    return [*missing, *short]


class BrokerLink:
    """The gateway's admin connection to the broker: topic set-up and readiness."""

    def __init__(self, bootstrap_servers: str, client_id: str):
        self._admin = AIOKafkaAdminClient(
            bootstrap_servers=bootstrap_servers, client_id=client_id, request_timeout_ms=5000
        )

    async def start(self) -> None:
        await self._admin.start()

    async def close(self) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(5):
                await self._admin.close()

    async def ensure_topics(self, replication: int = 1) -> list[str]:
        return await ensure_topics(self._admin, replication=replication)

    async def keep_topics(self, every: float, replication: int = 1) -> None:
        """Declare the topics again every `every` seconds, until cancelled.

        A broker that restarts on an empty store comes back without the gateway's topics;
        if nothing failed to publish meanwhile, nothing else would notice, and the broker
        would create them on first use with its own default partition count (dead-letter
        topics not at all, until a consumer's first failure)."""
        while True:
            await asyncio.sleep(every)
            try:
                await self.ensure_topics(replication)
            except Exception as error:  # the broker may be down: try again next round
                log.warning("could not check the Kafka topics: %s", error)

    async def ping(self) -> None:
        """Raise if the broker does not answer a metadata request within two seconds."""
        async with asyncio.timeout(2):
            await self._admin.list_topics()
