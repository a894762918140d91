"""Logging for every tracebreak process: JSON lines on stdout and OTLP log records, tied to traces.

Each record carries the trace and span it was written in, the service, and the request id, so a
request's log lines can be found from its trace and the other way round.
"""

import logging
import os
import sys
import threading

from opentelemetry import context, trace
from opentelemetry._logs import get_logger_provider
from opentelemetry.instrumentation.logging import LoggingInstrumentor
from opentelemetry.instrumentation.logging.handler import LoggingHandler
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags
from pythonjsonlogger.json import JsonFormatter

from tracebreak.chaos.catalogue import LOGS_WITHOUT_TRACE_ID
from tracebreak.chaos.reader import chaos
from tracebreak.runtime.correlation import current_request_id

FIELDS = "{asctime}{levelname}{name}{message}{otelServiceName}{otelTraceID}{otelSpanID}{request_id}"
RENAMED = {
    "asctime": "time",
    "levelname": "level",
    "name": "logger",
    "otelServiceName": "service.name",
    "otelTraceID": "trace_id",
    "otelSpanID": "span_id",
}


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get()
        return True


def _written_under(record: logging.LogRecord) -> context.Context:
    """The trace context stamped on the record where it was written; empty if none was stamped."""
    try:
        trace_id = int(getattr(record, "otelTraceID", "0"), 16)
        span_id = int(getattr(record, "otelSpanID", "0"), 16)
    except (TypeError, ValueError):
        return context.Context()
    if not trace_id or not span_id:
        return context.Context()
    flags = TraceFlags(
        TraceFlags.SAMPLED if getattr(record, "otelTraceSampled", False) else TraceFlags.DEFAULT
    )
    span = NonRecordingSpan(SpanContext(trace_id, span_id, is_remote=False, trace_flags=flags))
    return trace.set_span_in_context(span, context.Context())


class StampedContextHandler(LoggingHandler):
    """OTLP export of log records, joined to the trace the record itself names, as a log pipeline
    reading a JSON line's trace_id does (the collector's filelog receiver, Loki): a record written
    without its trace id stays without one, whatever span happens to be current."""

    def emit(self, record: logging.LogRecord) -> None:
        token = context.attach(_written_under(record))
        try:
            super().emit(record)
        finally:
            context.detach(token)


class Logs:
    """The process's log handlers, and its logging set up the right or the wrong way."""

    def __init__(self, tracer_provider: TracerProvider, json_logs: bool) -> None:
        global _current
        self.tracer_provider = tracer_provider
        self.handlers: list[logging.Handler] = [StampedContextHandler(logger_provider=get_logger_provider())]
        if json_logs:
            stdout = logging.StreamHandler(sys.stdout)
            stdout.setFormatter(JsonFormatter(FIELDS, style="{", rename_fields=RENAMED))
            self.handlers.append(stdout)
        for handler in self.handlers:
            handler.addFilter(_RequestIdFilter())
        logging.getLogger().handlers = list(self.handlers)
        self.lock = threading.Lock()  # flag changes arrive on OpenFeature's event threads
        self.correlated: bool | None = None  # whether the records carry their trace: None before set up
        with self.lock:
            self.configure()
        _current = self

    def configure(self) -> None:
        """Set logging up the wrong or the right way, as the flags say: at start, and again whenever the
        toggle changes (tracebreak.runtime.service). Called with the lock held."""
        if self.correlated is not None:
            LoggingInstrumentor().uninstrument()
        if chaos.chooses_me(LOGS_WITHOUT_TRACE_ID):
            # chaos: logs-without-trace-id. WRONG: the logging instrumentation without trace-context
            # injection: no record carries the trace it was written in, on stdout or in the store.
            LoggingInstrumentor().instrument(
                tracer_provider=self.tracer_provider, enable_log_auto_instrumentation=False
            )
        else:
            # RIGHT: every record is stamped with the trace and span it was written in.
            LoggingInstrumentor().instrument(
                tracer_provider=self.tracer_provider,
                enable_log_auto_instrumentation=False,
                inject_trace_context=True,
            )
        self.correlated = stamps_trace_context()

    def close(self) -> None:
        """Later lines go to stdout only, not to a closed exporter."""
        with self.lock:
            LoggingInstrumentor().uninstrument()
            logging.getLogger().handlers = [h for h in self.handlers if not isinstance(h, LoggingHandler)]


_current: Logs | None = None


def stamps_trace_context() -> bool:
    """Whether the log records made now carry the trace context they are written in."""
    record = logging.getLogRecordFactory()(__name__, logging.INFO, __file__, 0, "", (), None)
    return hasattr(record, "otelTraceID")


def logs_correlated() -> bool:
    """Whether this process's log lines carry their trace id right now (each inbound boundary asks)."""
    return _current is None or _current.correlated is not False


def level_from_env() -> str:
    level = os.environ.get("TRACEBREAK_LOG_LEVEL", "INFO").upper()
    if level not in logging.getLevelNamesMapping():
        logging.getLogger().warning(
            "TRACEBREAK_LOG_LEVEL=%r is not a log level (DEBUG, INFO, WARNING, ERROR); using INFO", level
        )
        return "INFO"
    return level
