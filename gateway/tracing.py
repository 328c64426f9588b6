"""OpenTelemetry tracing of one app: its tracer, and the provider exporting what it records.

Off by default (`TRACING_ENABLED`): then the app gets the API's no-op tracer and none of
the per-request hooks (HTTP span, operation span, SQL spans) is installed, so tracing
costs nothing. The relay and the inbound consumer still hand on a trace context they
are given (an event's stored `traceparent`), which the no-op tracer does for free.

On, spans go through a batching processor to the OTLP/HTTP collector named by
`OTEL_EXPORTER_OTLP_ENDPOINT`; without one they are recorded and dropped, which still
puts trace ids in the logs and the `traceresponse` header. The SDK reads the rest of the
standard variables itself (`OTEL_TRACES_SAMPLER`, `OTEL_EXPORTER_OTLP_HEADERS`,
`OTEL_RESOURCE_ATTRIBUTES`...). Each app owns its provider rather than the process-wide
one, so several apps in a process (the tests, a bench) never share or fight over it.
"""

from __future__ import annotations

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import NoOpTracer, Tracer

from gateway.settings import Settings

INSTRUMENTATION = "field-service-gateway"


class Tracing:
    """The app's tracer; `enabled` says whether it records (and the hooks are installed)."""

    def __init__(self, provider: TracerProvider | None, owned: bool = False):
        self._provider = provider
        self._owned = owned
        self.tracer: Tracer = provider.get_tracer(INSTRUMENTATION) if provider else NoOpTracer()

    @property
    def enabled(self) -> bool:
        return self._provider is not None

    @property
    def provider(self) -> TracerProvider | None:
        return self._provider

    @classmethod
    def from_settings(cls, settings: Settings, provider: TracerProvider | None = None) -> Tracing:
        """`provider` when given (a test's, exporting to memory); else one built from the
        settings when tracing is enabled; else none."""
        if provider is not None:
            return cls(provider)
        if not settings.tracing_enabled:
            return cls(None)
        built = TracerProvider(resource=Resource.create({SERVICE_NAME: settings.otel_service_name}))
        if settings.otel_exporter_otlp_endpoint:
            endpoint = f"{settings.otel_exporter_otlp_endpoint.rstrip('/')}/v1/traces"
            built.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
        return cls(built, owned=True)

    def shutdown(self) -> None:
        """Flush and stop the provider this app built (a given one belongs to its owner)."""
        if self._owned and self._provider is not None:
            self._provider.shutdown()
