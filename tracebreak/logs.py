"""Logging for every tracebreak process: JSON lines on stdout and OTLP log records, tied to traces.

Each record carries the trace and span it was written in, the service, and the request id, so a
request's log lines can be found from its trace and the other way round.
"""

import logging
import os
import queue
import sys
import threading
from logging.handlers import QueueHandler, QueueListener

from opentelemetry._logs import get_logger_provider
from opentelemetry.instrumentation.logging import LoggingInstrumentor
from opentelemetry.instrumentation.logging.handler import LoggingHandler
from opentelemetry.sdk.trace import TracerProvider
from pythonjsonlogger.json import JsonFormatter

from tracebreak.correlation import current_request_id

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


class Logs:
    """The process's log handlers, and the switch between the right and the wrong way to set them up."""

    def __init__(self, tracer_provider: TracerProvider, json_logs: bool) -> None:
        global _current
        self.tracer_provider = tracer_provider
        self.handlers: list[logging.Handler] = [LoggingHandler(logger_provider=get_logger_provider())]
        if json_logs:
            stdout = logging.StreamHandler(sys.stdout)
            stdout.setFormatter(JsonFormatter(FIELDS, style="{", rename_fields=RENAMED))
            self.handlers.append(stdout)
        queue_: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
        self._queued: list[logging.Handler] = [QueueHandler(queue_)]
        for handler in (*self.handlers, *self._queued):
            handler.addFilter(_RequestIdFilter())
        self._listener = QueueListener(queue_, *self.handlers)
        self._listening = False
        self._lock = threading.Lock()  # flag changes arrive on OpenFeature's event threads
        self.correlated: bool | None = None
        self.correlate(True)
        _current = self

    def correlate(self, correlated: bool) -> None:
        with self._lock:
            if correlated == self.correlated:
                return
            instrumentor = LoggingInstrumentor()
            if self.correlated is not None:
                instrumentor.uninstrument()
            if correlated:
                # RIGHT: the instrumentation stamps every record with the trace and span it was
                # written in, and the handlers run right there, inside the request's context.
                instrumentor.instrument(
                    tracer_provider=self.tracer_provider,
                    inject_trace_context=True,
                    enable_log_auto_instrumentation=False,
                )
                handlers = self.handlers
            else:
                # chaos: logs-without-trace-id. WRONG: logging set up without trace-context injection
                # (the bug this toggle is about), its handlers moreover on a listener thread "off the
                # hot path", where no span is current: neither stdout nor OTLP lines carry a trace id.
                instrumentor.instrument(
                    tracer_provider=self.tracer_provider, enable_log_auto_instrumentation=False
                )
                handlers = self._queued
                if not self._listening:
                    self._listener.start()
                    self._listening = True
            logging.getLogger().handlers = list(handlers)  # a new list: other threads may be iterating
            self.correlated = correlated

    def close(self) -> None:
        """Hand the records still queued to the handlers; later lines go to stdout only."""
        with self._lock:
            LoggingInstrumentor().uninstrument()
            if self._listening:
                self._listener.stop()
                self._listening = False
            logging.getLogger().handlers = [h for h in self.handlers if not isinstance(h, LoggingHandler)]


_current: Logs | None = None


def logs_correlated() -> bool:
    """Whether this process's log lines carry their trace id right now."""
    return _current is None or _current.correlated is not False


def level_from_env() -> str:
    level = os.environ.get("TRACEBREAK_LOG_LEVEL", "INFO").upper()
    if level not in logging.getLevelNamesMapping():
        logging.getLogger().warning(
            "TRACEBREAK_LOG_LEVEL=%r is not a log level (DEBUG, INFO, WARNING, ERROR); using INFO", level
        )
        return "INFO"
    return level
