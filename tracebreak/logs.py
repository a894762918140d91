"""Logging for every tracebreak process: JSON lines on stdout and OTLP log records, tied to traces.

Each record carries the trace and span it was written in, the service, and the request id, so a
request's log lines can be found from its trace and the other way round.
"""

import logging
import os
import queue
import sys
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
        self.tracer_provider = tracer_provider
        self.handlers: list[logging.Handler] = [LoggingHandler(logger_provider=get_logger_provider())]
        if json_logs:
            stdout = logging.StreamHandler(sys.stdout)
            stdout.setFormatter(JsonFormatter(FIELDS, style="{", rename_fields=RENAMED))
            self.handlers.append(stdout)
        self._queue: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
        self._listener = QueueListener(self._queue, *self.handlers)
        self._listening = False
        self.correlate(True)

    def correlate(self, correlated: bool) -> None:
        instrumentor = LoggingInstrumentor()
        instrumentor.uninstrument()
        root = logging.getLogger()
        if correlated:
            # RIGHT: the instrumentation stamps every record with the trace and span it was written
            # in, and the handlers run right there, inside the request's context.
            instrumentor.instrument(
                tracer_provider=self.tracer_provider,
                inject_trace_context=True,
                enable_log_auto_instrumentation=False,
            )
            handlers = self.handlers
        else:
            # chaos: logs-without-trace-id. WRONG: logging set up without trace-context injection,
            # its handlers on a listener thread "off the hot path", where no span is current.
            instrumentor.instrument(
                tracer_provider=self.tracer_provider, enable_log_auto_instrumentation=False
            )
            handlers = [QueueHandler(self._queue)]
            if not self._listening:
                self._listener.start()
                self._listening = True
        for handler in handlers:
            handler.addFilter(_RequestIdFilter())
        root.handlers[:] = handlers

    def close(self) -> None:
        """Hand the records still queued to the handlers; later lines go to stdout only."""
        LoggingInstrumentor().uninstrument()
        if self._listening:
            self._listener.stop()
            self._listening = False
        logging.getLogger().handlers[:] = [h for h in self.handlers if not isinstance(h, LoggingHandler)]


def level_from_env() -> str:
    level = os.environ.get("TRACEBREAK_LOG_LEVEL", "INFO").upper()
    if level not in logging.getLevelNamesMapping():
        logging.getLogger().warning(
            "TRACEBREAK_LOG_LEVEL=%r is not a log level (DEBUG, INFO, WARNING, ERROR); using INFO", level
        )
        return "INFO"
    return level
