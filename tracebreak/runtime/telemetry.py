"""OpenTelemetry bootstrap shared by every tracebreak process.

One call, `setup(service_name)`, gives a process its resource, the propagators, OTLP/HTTP export
of spans and logs, the official instrumentations that patch libraries globally (aiokafka, httpx, aiohttp,
logging) and JSON logs on stdout. Export is configured only through the standard `OTEL_*`
variables; without them it goes to the embedded store at http://localhost:4318.
FastAPI and gRPC are instrumented where the app and the channels are made (each service's server.py
and client.py).
"""

import asyncio
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from opentelemetry import _logs, trace
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.aiohttp_client import AioHttpClientInstrumentor
from opentelemetry.instrumentation.aiokafka import AIOKafkaInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.sampling import Sampler

from tracebreak import __version__
from tracebreak.demo import CLIENT_SERVICE
from tracebreak.runtime import propagation
from tracebreak.runtime.export import ExportQueues
from tracebreak.runtime.logs import Logs, level_from_env

DEFAULT_ENVIRONMENT = "local"


@dataclass(frozen=True)
class Telemetry:
    tracer_provider: TracerProvider
    logger_provider: LoggerProvider
    logs: Logs
    span_export: ExportQueues
    # Run first at shutdown, e.g. to stop the chaos toggles from reconfiguring logging meanwhile.
    before_shutdown: list[Callable[[], None]] = field(default_factory=list)

    async def shutdown(self) -> None:
        """Export every span and log record still queued. Blocking, so it runs in a thread."""
        await asyncio.to_thread(self.shutdown_now)

    def shutdown_now(self) -> None:
        for step in self.before_shutdown:
            step()
        self.tracer_provider.shutdown()
        self.logs.close()  # later log lines go to stdout only, not to a closed exporter
        self.logger_provider.shutdown()


def resource(service_name: str) -> Resource:
    # deployment.environment.name defaults to "local"; OTEL_RESOURCE_ATTRIBUTES may override it.
    defaults = Resource({"deployment.environment.name": DEFAULT_ENVIRONMENT})
    return defaults.merge(Resource.create({"service.name": service_name, "service.version": __version__}))


def setup(service_name: str, json_logs: bool = True, sampler: Sampler | None = None) -> Telemetry:
    """Telemetry for one process. `json_logs=False` leaves stdout alone (for the CLI's own output)."""
    # The stable HTTP semantic conventions (http.response.status_code, url.path, ...) unless the
    # environment chooses otherwise; read once, when the first instrumentation starts.
    os.environ.setdefault("OTEL_SEMCONV_STABILITY_OPT_IN", "http")
    res = resource(service_name)
    # Without a sampler of its own, OTEL_TRACES_SAMPLER decides (default: parent-based, always on).
    tracer_provider = TracerProvider(resource=res, sampler=sampler)
    span_export = ExportQueues(OTLPSpanExporter)
    tracer_provider.add_span_processor(span_export)
    trace.set_tracer_provider(tracer_provider)
    logger_provider = LoggerProvider(resource=res)
    logger_provider.add_log_record_processor(BatchLogRecordProcessor(OTLPLogExporter()))
    _logs.set_logger_provider(logger_provider)

    propagation.register()

    AIOKafkaInstrumentor().instrument(tracer_provider=tracer_provider)
    HTTPXClientInstrumentor().instrument(tracer_provider=tracer_provider)
    AioHttpClientInstrumentor().instrument(tracer_provider=tracer_provider)
    log_setup = Logs(tracer_provider, json_logs)
    logging.getLogger().setLevel(level_from_env())
    return Telemetry(tracer_provider, logger_provider, log_setup, span_export)


def setup_client() -> Telemetry:
    """The CLI's and the load generator's telemetry: spans as `tracebreak-client`, stdout left alone.
    Once per process: OpenTelemetry keeps the first tracer provider a process sets and refuses a
    later one, so a second client's spans would go to the first's, shut down."""
    # A store that is down must not hold the command for the exporter's 10 s default.
    os.environ.setdefault("OTEL_EXPORTER_OTLP_TIMEOUT", "2")
    return setup(CLIENT_SERVICE, json_logs=False)
