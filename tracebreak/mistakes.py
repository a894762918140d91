"""The mistakes that break a trace, each said once: what it is, what fixes it, and how it shows.

A mistake is a line of code (or config) that loses the context at a boundary; `tracebreak lint`
finds it by its id, a chaos breaker reproduces it, and the doctor names the fracture it leaves in
the traces by its signature. A signature is a shape of broken traces, not a line: several mistakes
leave the same one (a task started in a fresh context and a thread started without one both leave a
ghost span), so each mistake points to its signature. The catalogue, the doctor, lint, audit, the
drill, the web view and the docs read their words here (a signature's in tracebreak.signatures) and
nowhere else.

An id's hundreds digit names the mistake's family, in the order a request meets them (FAMILIES). Ids
are stable, and never reused.
"""

from dataclasses import dataclass

from tracebreak.signatures import (
    BAGGAGE_CUT_OFF,
    CONSUMER_NOT_EXTRACTING,
    CONTEXT_DROPPED_IN_TRANSIT,
    GHOST_SPAN,
    HIDDEN_ERROR_ORIGIN,
    LOGS_WITHOUT_TRACE_ID,
    MEGA_TRACE,
    PROPAGATOR_MISMATCH,
    PROPAGATOR_NOT_REGISTERED,
    SAMPLER_NOT_PARENT_BASED,
    UNINSTRUMENTED_CLIENT,
    Signature,
)

FAMILIES = (
    "gateway",
    "task",
    "executor",
    "grpc",
    "kafka",
    "http",
    "propagator",
    "sampler",
    "logging",
    "exception",
)


@dataclass(frozen=True)
class Mistake:
    id: str  # TB and three digits, the hundreds its family
    name: str
    story: str  # what the code does wrong, in one line
    fix: str  # the RIGHT side, in one line
    signature: Signature | None = None  # the fracture it leaves, where that is known

    @property
    def family(self) -> str:
        return FAMILIES[int(self.id[2])]


GATEWAY_STRIPS_TRACE_HEADERS = Mistake(
    "TB001",
    "gateway-strips-trace-headers",
    "An Envoy config removes traceparent, tracestate or baggage from requests it forwards.",
    "Forward traceparent, tracestate and baggage through every proxy: take them off the removal list.",
    CONTEXT_DROPPED_IN_TRANSIT,
)
TASK_IN_FRESH_CONTEXT = Mistake(
    "TB101",
    "task-in-fresh-context",
    "A task or callback is started in a fresh, empty context (context=contextvars.Context()).",
    "Drop context=Context(): create_task copies the current context, so the task's spans join the trace.",
    GHOST_SPAN,
)
QUEUE_WORKER_WITHOUT_CONTEXT = Mistake(
    "TB102",
    "queue-worker-without-context",
    "A long-lived worker takes items off a queue and runs them without the context they were queued in.",
    "Queue (contextvars.copy_context(), item) and run each item with ctx.run(...) in the worker.",
    GHOST_SPAN,
)
EXECUTOR_WITHOUT_CONTEXT = Mistake(
    "TB201",
    "executor-without-context",
    "run_in_executor or ThreadPoolExecutor.submit runs work in a thread without the caller's context.",
    "Submit copy_context().run with the function (or use asyncio.to_thread, which copies the context).",
    GHOST_SPAN,
)
THREAD_WITHOUT_CONTEXT = Mistake(
    "TB202",
    "thread-without-context",
    "threading.Thread runs its target without the starting thread's context.",
    "Start it with target=copy_context().run, args=(fn, ...), or apply ThreadingInstrumentor at start.",
    GHOST_SPAN,
)
GRPC_CHANNEL_WITHOUT_INTERCEPTOR = Mistake(
    "TB301",
    "grpc-channel-without-interceptor",
    "A gRPC channel is made without the OpenTelemetry client interceptor and no gRPC instrumentor runs.",
    "Make the channel with interceptors=aio_client_interceptors() (grpc.intercept_channel for sync).",
    UNINSTRUMENTED_CLIENT,
)
GRPC_SERVER_WITHOUT_INTERCEPTOR = Mistake(
    "TB302",
    "grpc-server-without-interceptor",
    "A gRPC server is made without the OpenTelemetry server interceptor and no gRPC instrumentor runs.",
    "Make the server with interceptors=[aio_server_interceptor()] (server_interceptor() for sync).",
)
KAFKA_RECORD_WITHOUT_EXTRACT = Mistake(
    "TB401",
    "kafka-record-without-extract",
    "A consumed Kafka record is processed with no propagate.extract from its headers before it.",
    "context.attach(propagate.extract(record headers)) before the processing span, detach after.",
    CONSUMER_NOT_EXTRACTING,
)
HTTP_CLIENT_WITHOUT_INSTRUMENTATION = Mistake(
    "TB501",
    "http-client-without-instrumentation",
    "An HTTP client is made where no instrumentation of its library runs: no traceparent goes out.",
    "Instrument the library once at start (e.g. HTTPXClientInstrumentor().instrument()).",
    UNINSTRUMENTED_CLIENT,
)
PROPAGATOR_PROPAGATES_NOTHING = Mistake(
    "TB601",
    "propagator-propagates-nothing",
    "The global propagator is one that neither extracts nor injects.",
    "set_global_textmap(CompositePropagator([TraceContextTextMapPropagator(), W3CBaggagePropagator()])).",
    PROPAGATOR_NOT_REGISTERED,
)
PROPAGATORS_SET_TO_NONE = Mistake(
    "TB602",
    "propagators-set-to-none",
    "OTEL_PROPAGATORS=none: the process registers no propagator at all.",
    "OTEL_PROPAGATORS=tracecontext,baggage (or leave it unset: that is the default).",
    PROPAGATOR_NOT_REGISTERED,
)
PROPAGATOR_FORMAT_MISMATCH = Mistake(
    "TB603",
    "propagator-format-mismatch",
    "The global propagator speaks only B3 (or another non-W3C format) while its neighbours speak W3C.",
    "Speak W3C beside it during a migration: OTEL_PROPAGATORS=tracecontext,baggage,b3multi.",
    PROPAGATOR_MISMATCH,
)
SAMPLER_DECIDES_ALONE = Mistake(
    "TB701",
    "sampler-not-parent-based",
    "A sampler decides on its own instead of following the caller's sampling decision.",
    "Wrap it: ParentBased(TraceIdRatioBased(rate)); decide only where there is no caller.",
    SAMPLER_NOT_PARENT_BASED,
)
SAMPLER_ENV_DECIDES_ALONE = Mistake(
    "TB702",
    "sampler-env-not-parent-based",
    "OTEL_TRACES_SAMPLER names a sampler that ignores the caller's decision.",
    "OTEL_TRACES_SAMPLER=parentbased_traceidratio (or parentbased_always_on, the default).",
    SAMPLER_NOT_PARENT_BASED,
)
LOGGING_INSTRUMENTOR_WITHOUT_INJECTION = Mistake(
    "TB801",
    "logging-instrumentor-without-injection",
    "LoggingInstrumentor().instrument() without trace-context injection: log lines carry no trace_id.",
    "LoggingInstrumentor().instrument(inject_trace_context=True) (or set_logging_format=True).",
    LOGS_WITHOUT_TRACE_ID,
)
LOGGING_WITHOUT_TRACE_CONTEXT = Mistake(
    "TB802",
    "logging-without-trace-context",
    "Logging is configured and nothing in the code checked injects the trace context into records.",
    "Call LoggingInstrumentor().instrument(inject_trace_context=True) at start, and log otelTraceID.",
    LOGS_WITHOUT_TRACE_ID,
)
EXCEPTION_SWALLOWED_INTO_DEFAULT = Mistake(
    "TB901",
    "exception-swallowed-into-default",
    "An exception handler returns a default without recording the exception on the span.",
    "Re-raise, or span.record_exception(error) and span.set_status(StatusCode.ERROR) before returning.",
    HIDDEN_ERROR_ORIGIN,
)
WORKER_STARTED_IN_REQUEST_CONTEXT = Mistake(
    "TB103",
    "worker-started-in-request-context",
    "A long-lived worker is started lazily inside a request (if self._pump is None: create_task(...)).",
    "Start it at start-up or with context=Context(), and run each item in the context queued with it.",
    MEGA_TRACE,
)
BAGGAGE_BUILT_FROM_COLLECTION = Mistake(
    "TB604",
    "baggage-built-from-collection",
    "Baggage is set in a loop over a collection (a cart's lines), so it grows with the data past the limits.",
    "Carry a few small keys as baggage (tenant.id, enduser.id), and bulky data in the message body.",
    BAGGAGE_CUT_OFF,
)
MISTAKES = (
    GATEWAY_STRIPS_TRACE_HEADERS,
    TASK_IN_FRESH_CONTEXT,
    QUEUE_WORKER_WITHOUT_CONTEXT,
    EXECUTOR_WITHOUT_CONTEXT,
    THREAD_WITHOUT_CONTEXT,
    GRPC_CHANNEL_WITHOUT_INTERCEPTOR,
    GRPC_SERVER_WITHOUT_INTERCEPTOR,
    KAFKA_RECORD_WITHOUT_EXTRACT,
    HTTP_CLIENT_WITHOUT_INSTRUMENTATION,
    PROPAGATOR_PROPAGATES_NOTHING,
    PROPAGATORS_SET_TO_NONE,
    SAMPLER_DECIDES_ALONE,
    SAMPLER_ENV_DECIDES_ALONE,
    LOGGING_INSTRUMENTOR_WITHOUT_INJECTION,
    LOGGING_WITHOUT_TRACE_CONTEXT,
    EXCEPTION_SWALLOWED_INTO_DEFAULT,
    WORKER_STARTED_IN_REQUEST_CONTEXT,
    PROPAGATOR_FORMAT_MISMATCH,
    BAGGAGE_BUILT_FROM_COLLECTION,
)
