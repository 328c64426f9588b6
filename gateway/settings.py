"""Every setting of the gateway, read from the environment (or a `.env` file).

The names are the environment variables, upper-cased: `database_url` is `DATABASE_URL`.
README's configuration table lists them; keep the two in step.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.service_orders.acknowledgements import Acknowledger


def usable_cores() -> int:
    """The cores this process may run on (a container's CPU set, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str | None = Field(
        None, description="postgresql+asyncpg://user:pass@host:5432/db; unset in dev: embedded"
    )
    kafka_bootstrap_servers: str | None = Field(
        None, description="host:port[,host:port]; unset in dev: embedded Tansu broker"
    )
    kafka_client_id: str = "field-service-gateway"
    kafka_create_topics: bool = Field(True, description="create the seeds' topics if missing")
    kafka_topic_check_seconds: float = Field(
        15.0, description="how often the topics are declared again (a restarted broker lacks them)"
    )
    kafka_replication_factor: int = Field(1, description="for topics the gateway creates")
    kafka_acks: str = Field("all", description="producer acks: all, 1 or 0")
    kafka_enable_idempotence: bool = Field(
        False, description="idempotent producer (unsupported by the embedded broker)"
    )
    kafka_linger_ms: int = Field(5, description="producer batching delay")
    kafka_compression_type: str | None = Field(None, description="gzip, or none")
    event_environment: Literal["production", "staging", "development"] = Field(
        "development",
        description="CloudEvents `durion:environment` of every event this deployment publishes",
    )
    kafka_fetch_max_wait_ms: int = Field(
        100, description="longest a consumer fetch waits for data (bounds event latency)"
    )
    kafka_session_timeout_ms: int = Field(
        10_000, description="a consumer group member silent this long is dropped from it"
    )
    kafka_heartbeat_interval_ms: int = Field(
        3_000, description="how often a consumer tells its group it is alive"
    )
    kafka_group_prefix: str = Field(
        "field-service-gateway", description="prefix of the consumer groups the gateway joins"
    )

    relay_enabled: bool = Field(True, description="run the outbox relay in this replica")
    relay_batch_size: int = 500
    relay_poll_seconds: float = Field(
        5.0, description="fallback poll of an asleep relay when no NOTIFY arrives"
    )
    relay_marker_check_seconds: float = Field(
        5.0, description="how often the relay checks the broker still holds what it acked"
    )
    relay_republish_hours: float = Field(
        168.0,
        gt=0,
        description="how far back a broker that lost its store is sent the events again",
    )
    hub_queue_size: int = Field(1000, description="events buffered per subscriber")
    rate_limit_user_per_minute: int = Field(
        12_000, description="requests one user may send a minute (per replica); 0: no limit"
    )
    rate_limit_tenant_per_minute: int = Field(
        60_000, description="requests one tenant may send a minute (per replica); 0: no limit"
    )
    ws_max_operations: int = Field(
        100, description="operations (subscriptions) one websocket connection may run at once"
    )
    hub_catch_up_seconds: float = Field(
        5.0, description="how often the hub checks the outbox for events Kafka missed; 0: never"
    )
    outbox_lag_alert_seconds: float = Field(
        60.0, description="/readyz reports not ready when the oldest unsent event is older"
    )
    inbound_enabled: bool = Field(
        True, description="consume other domains' events in the shared inbound group"
    )
    inbound_max_retries: int = Field(3, description="retries of a failing inbound handler")
    idempotency_key_ttl_seconds: int = Field(
        86400, description="how long a mutation's Idempotency-Key and its response are kept"
    )
    inbound_retry_base_seconds: float = Field(
        1.0, description="first retry delay; each further retry waits twice as long"
    )
    sla_monitor_enabled: bool = Field(
        True, description="run the SLA monitor (at-risk warnings, breaches) in this replica"
    )
    sla_monitor_poll_seconds: float = Field(
        1.0, description="longest the SLA monitor sleeps between looks at the deadlines"
    )
    reservation_sweep_seconds: float = Field(
        30.0,
        description="how often the reservation sweeper expires reservations past their time "
        "(0: not in this replica)",
    )
    people_side: Literal["gateway", "external"] = Field(
        "gateway",
        description="who confirms work sessions (work_session.completed): the gateway at once, "
        "or an external People system the gateway waits for",
    )
    order_side: Literal["gateway", "external"] = Field(
        "gateway",
        description="who creates a finalized order's sales order (sales_order.created): the "
        "gateway at once, or an external Order system the gateway waits for",
    )
    accounting_side: Literal["gateway", "external"] = Field(
        "gateway",
        description="who records a finalized order's revenue (revenue.recorded): the gateway "
        "at once, or an external Accounting system the gateway waits for",
    )
    acknowledgement_timeout_seconds: float = Field(
        300.0,
        gt=0,
        description="an acknowledgement awaited longer raises acknowledgement_overdue",
    )
    acknowledgement_sweep_seconds: float = Field(
        15.0,
        description="how often overdue acknowledgements are looked for (0: not in this replica)",
    )
    dashboard_fresh_seconds: float = Field(
        1.0, description="how long one operations-dashboard reading answers identical requests"
    )
    sla_clock_offset_seconds: float = Field(
        0.0, description="tests only: the SLA monitor's clock runs this far ahead of the system's"
    )

    jwt_secret: str | None = Field(None, description="HS256 signing secret")
    jwt_jwks_url: str | None = Field(None, description="JWKS URL for RS256 tokens")
    jwt_audience: str | None = None
    jwt_issuer: str | None = None
    allow_anonymous: bool = Field(
        False, description="dev only: requests without a token act as the dev tenant"
    )
    dev_tenant: str = "tenant-001"

    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Field(Path(".data"), description="embedded PostgreSQL data, dev secret")

    max_concurrent_requests: int = Field(
        default_factory=lambda: 2 * usable_cores(),
        description="GraphQL requests over HTTP one process runs at once (the others wait their "
        "turn in arrival order); 0: no limit",
    )
    admission_wait_seconds: float = Field(
        0.2, description="longest a request waits for its turn before it runs anyway"
    )
    db_pool_size: int = 10
    db_connect_timeout_seconds: float = Field(
        5.0, description="longest wait to open a database connection"
    )
    db_pool_timeout_seconds: float = Field(
        5.0, description="longest wait for a free pooled connection"
    )
    db_unit_timeout_seconds: float = Field(
        10.0, description="longest one unit of work (a request's transaction) may take"
    )
    db_max_overflow: int = 10
    db_ping_after_idle_seconds: float = Field(
        10.0, description="check a pooled connection before use once it has idled this long"
    )

    http_keep_alive_seconds: int = Field(
        75,
        description="how long an idle keep-alive connection stays open; above the load "
        "balancer's idle timeout, so it never reuses a connection the gateway just closed",
    )
    ws_per_message_deflate: bool = Field(
        False, description="compress websocket frames (costs CPU per subscriber and event)"
    )

    graphiql: bool | None = Field(
        None, description="serve GraphiQL on GET /graphql; unset: on in `gateway dev`, off in serve"
    )
    introspection: Literal["on", "permission", "off"] | None = Field(
        None,
        description="who may introspect the schema and see field suggestions: everyone, callers "
        "with schema:introspect, or nobody; unset: on in `gateway dev`, permission in serve",
    )
    max_request_bytes: int = Field(
        1_000_000, description="largest HTTP request body; a larger one is answered 413"
    )
    max_document_chars: int = Field(
        50_000, description="longest GraphQL document (query text) accepted"
    )
    trusted_documents: Path | None = Field(
        None, description="a JSON manifest (sha256 -> document) of the only documents to run"
    )
    max_query_cost: int = Field(
        5000, description="most a query may cost (1 a field, times the page sizes above it)"
    )
    max_query_depth: int = 10
    max_tokens: int = 2000
    max_aliases: int = 30
    parser_cache_size: int = 256
    validation_cache_size: int = 256
    planned_reads: bool = Field(
        True,
        description="answer plannable queries from JSON built in PostgreSQL (schema/planning); "
        "false runs every operation through Strawberry",
    )

    metrics_enabled: bool = Field(
        True, description="serve Prometheus metrics on /metrics and time every operation"
    )

    tracing_enabled: bool = Field(
        False,
        description="OpenTelemetry spans for each operation, SQL statement and event relayed or "
        "consumed; off: none are made, and no trace context is read or written",
    )
    otel_exporter_otlp_endpoint: str | None = Field(
        None,
        description="OTLP/HTTP collector base URL (spans go to `/v1/traces` there); unset: "
        "spans are kept only for the trace ids in logs and responses",
    )
    otel_service_name: str = Field(
        "field-service-gateway", description="`service.name` of the spans this gateway exports"
    )

    log_level: str = "INFO"
    log_json: bool = Field(False, description="JSON log lines (for production log shippers)")

    @cached_property
    def own_sides(self) -> frozenset[Acknowledger]:
        """The sides of seed 001's acknowledgements the gateway plays itself."""
        chosen = {
            Acknowledger.PEOPLE: self.people_side,
            Acknowledger.ORDER: self.order_side,
            Acknowledger.ACCOUNTING: self.accounting_side,
        }
        return frozenset(side for side, by in chosen.items() if by == "gateway")

    @cached_property
    def dev_secret_file(self) -> Path:
        return self.data_dir / "dev-jwt-secret"
