"""A span per SQL statement, as a child of the request or event being handled.

Statements reach asyncpg directly (persistence/driver.py), not through SQLAlchemy's
execute, so the spans come from asyncpg's own query logger: asyncpg reports every
statement once it finished, with its text, its duration and its exception, soon after,
in the context it ran in. The span is made then, backdated to the statement's start.
The instrumentation packages for asyncpg and SQLAlchemy patch those libraries
process-wide, while each gateway app owns its engines and its tracer.

The logger is lent to a connection only while a sampled trace holds it: added when the
pool hands the connection out inside one, taken back when the connection returns.
asyncpg times and reports every statement of a connection that has a logger (a
context manager, a record and a loop callback each), which cost a request the sampler
left out some 5% of its CPU when the logger stayed on every connection; now such a
request pays one look at the current span per checkout. So only statements inside a
sampled trace get a span: the relay's, the hub's and the SLA monitor's polls, which
run every second or so with nothing to attach them to, never do. Parameters are never
recorded.
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

_LOGGED = "statement_spans.logged"
"""The pool record's mark of a connection lent with the query logger."""


def trace_statements(engine: AsyncEngine, tracer: Tracer) -> None:
    """Give every statement `engine` (and its numbering pool) runs within a trace a span."""

    def finished(query: LoggedQuery) -> None:
        # The span the statement ran under may have ended by now (a COMMIT is an
        # operation's last statement): a sampled trace, not a live span, is the test.
        if not _in_sampled_trace():
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

    def lent(connection: Any, record: Any, proxy: Any) -> None:
        if _in_sampled_trace():
            connection.driver_connection.add_query_logger(finished)
            record.info[_LOGGED] = True

    def returned(connection: Any, record: Any) -> None:
        if record.info.pop(_LOGGED, False) and connection is not None:
            connection.driver_connection.remove_query_logger(finished)

    for pool in (engine, numbering_engine(engine)):
        event.listen(pool.sync_engine, "checkout", lent)
        event.listen(pool.sync_engine, "checkin", returned)


def _in_sampled_trace() -> bool:
    found = trace.get_current_span().get_span_context()
    return found.is_valid and found.trace_flags.sampled
