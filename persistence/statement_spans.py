"""A span per SQL statement, as a child of the request or event being handled.

Statements reach asyncpg directly (persistence/driver.py), not through SQLAlchemy's
execute, so the spans come from asyncpg's own query logger, registered on each
connection as the pool opens it: asyncpg reports every statement once it finished, with
its text, its duration and its exception, soon after, in the context it ran in. The
span is made then, backdated to the statement's start. The instrumentation packages for asyncpg and
SQLAlchemy patch those libraries process-wide, while each gateway app owns its engines
and its tracer.

Only statements inside a trace get a span: the relay's, the hub's and the SLA
monitor's polls run every second or so with nothing to attach them to, and would
otherwise flood the collector with one-span traces. Parameters are never recorded.
"""

from __future__ import annotations

import time
from typing import Any

from asyncpg.connection import LoggedQuery
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from persistence.database import numbering_engine


def trace_statements(engine: AsyncEngine, tracer: Tracer) -> None:
    """Give every statement `engine` (and its numbering pool) runs within a trace a span."""

    def finished(query: LoggedQuery) -> None:
        # The span the statement ran under may have ended by now (a COMMIT is an
        # operation's last statement): a sampled trace, not a live span, is the test.
        parent = trace.get_current_span().get_span_context()
        if not (parent.is_valid and parent.trace_flags.sampled):
            return
        ended = time.time_ns()
        operation = query.query.lstrip().split(None, 1)[0].upper() if query.query.strip() else ""
        database = (query.conn_params.database if query.conn_params else None) or ""
        span = tracer.start_span(
            f"{operation} {database}".strip(),
            kind=SpanKind.CLIENT,
            start_time=ended - int(query.elapsed * 1e9),
            attributes={
                "db.system.name": "postgresql",
                "db.namespace": database,
                "db.operation.name": operation,
                "db.query.text": query.query,
            },
        )
        if query.exception is not None:
            span.record_exception(query.exception)
            span.set_status(Status(StatusCode.ERROR, type(query.exception).__name__))
        span.end(end_time=ended)

    def opened(connection: Any, record: Any) -> None:
        connection.driver_connection.add_query_logger(finished)

    for pool in (engine, numbering_engine(engine)):
        event.listen(pool.sync_engine, "connect", opened)
