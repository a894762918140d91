"""The mistakes that break a trace, each said once: what it is, what fixes it, and how it shows.

A mistake is a line of code (or config) that loses the context at a boundary; `tracebreak lint`
finds it by its id, a chaos breaker reproduces it, and the doctor names the fracture it leaves in
the traces by its signature. A signature is a shape of broken traces, not a line: several mistakes
leave the same one (a task started in a fresh context and a thread started without one both leave a
ghost span), so each mistake points to its signature. The catalogue, the doctor, lint, audit, the
drill, the web view and the docs read their words here and nowhere else.

An id's hundreds digit names the mistake's family, in the order a request meets them (FAMILIES). Ids
are stable, and never reused.
"""

from dataclasses import dataclass

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
class Boundary:
    """Where a context was to cross: from one service to another over a protocol, or inside one
    service (source and target the same; the protocol then names the place: its logs, say)."""

    source: str
    target: str
    protocol: str

    def __str__(self) -> str:
        return f"{self.place} ({self.protocol})"

    @classmethod
    def everywhere(cls, service: str) -> "Boundary":
        """Every boundary a service has, in and out: where one with no propagator breaks."""
        return cls(service, service, "every boundary")

    @property
    def place(self) -> str:
        """The boundary without its protocol: `service-a -> service-b`, or the one service."""
        return self.source if self.source == self.target else f"{self.source} -> {self.target}"


@dataclass(frozen=True)
class Signature:
    """A fracture the doctor names in the traces of one request."""

    name: str
    meaning: str  # what it means for the request, in one line
    shows: str  # what the traces show, in spans: how the doctor tells it
    fix: str  # the Context Law (Extract, Process, Inject) said for the boundary; {from}/{to}/{protocol}

    def fix_at(self, boundary: Boundary) -> str:
        return self.fix.format_map(
            {"from": boundary.source, "to": boundary.target, "protocol": boundary.protocol}
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


GHOST_SPAN = Signature(
    "ghost-span",
    "work of the request started a trace of its own, rooted at an internal span",
    "a fragment rooted at an INTERNAL span: work started without the request's context",
    "Carry the context into background work in {to}: asyncio.create_task(coro) copies it; never start it "
    "in a fresh contextvars.Context() or hand it to a worker that does not receive the context.",
)
UNINSTRUMENTED_CLIENT = Signature(
    "uninstrumented-client",
    "the caller made the call without tracing it: the callee's server span is a root",
    "a fragment rooted at a SERVER span, and no CLIENT span on the caller's side for the call",
    "Inject on outbound: make {from}'s {protocol} client with the OpenTelemetry instrumentation "
    "(e.g. aio_client_interceptors()) so every call to {to} carries traceparent.",
)
CONTEXT_DROPPED_IN_TRANSIT = Signature(
    "context-dropped-in-transit",
    "the caller sent its context, the callee never saw it: something in between removed it",
    "a CLIENT span with no SERVER child, and the callee's SERVER span a root elsewhere",
    "Let traceparent, tracestate and baggage through everything between {from} and {to} "
    "(add them to the gateway's or load balancer's header allowlist).",
)
CONSUMER_NOT_EXTRACTING = Signature(
    "consumer-not-extracting",
    "the message carried context, but the consumer's processing started a trace of its own",
    "the library's CONSUMER span is connected to the PRODUCER, the processing is a root elsewhere",
    "Extract on inbound in {to}: build the context from the record headers (propagate.extract) and start "
    "the processing span under it; the library's receive span ends before your code runs.",
)
PROPAGATOR_NOT_REGISTERED = Signature(
    "propagator-not-registered",
    "a service neither extracts nor injects: its inbound spans are roots and so is everything after it",
    "a service whose inbound spans are roots and whose outbound messages carry nothing",
    "Register the W3C propagators (TraceContext and Baggage) at start in {to}, and check OTEL_PROPAGATORS: "
    "without them every instrumentation there runs blind.",
)
SAMPLER_NOT_PARENT_BASED = Signature(
    "sampler-not-parent-based",
    "a call succeeded but the callee recorded nothing of it: the trace stops at the call",
    "a CLIENT call that succeeded, of which the callee recorded nothing anywhere, to a route it does record",
    "Sample parent-based in {to}: ParentBased(TraceIdRatioBased(rate)) follows the caller's decision; an "
    "independent ratio cuts the caller's traces wherever its own coin says no.",
)
HIDDEN_ERROR_ORIGIN = Signature(
    "hidden-error-origin",
    "the request failed, yet no span below the one that reported the failure says why",
    "the request failed; the failed span furthest down has only successful spans below it",
    "Record failures where they happen in {to}: span.record_exception and status ERROR, and say why in "
    "the answer to {from}; never `except Exception: return default`.",
)
LOGS_WITHOUT_TRACE_ID = Signature(
    "logs-without-trace-id",
    "log lines written for the request carry its request id but no trace id",
    "log records with the request id and no trace id (only where the source keeps logs)",
    "Inject trace context into {to}'s logs: LoggingInstrumentor().instrument(inject_trace_context=True) "
    "stamps every record with the trace and span it was written in.",
)
BAGGAGE_CUT_OFF = Signature(
    "baggage-cut-off",
    "the sender set baggage the receiver never got: the propagator cut it off at the W3C size limits",
    "a sender span whose baggage keys (and bytes) exceed what the receiver below it recorded receiving",
    "Keep {from}'s baggage to a few small keys, business keys first; send bulky data to {to} in the message.",
)
DROPPED_ON_THE_WAY = Signature(
    "dropped-on-the-way",
    "the context crossed and the spans were made, but some never reached the backend: a hole, not a break",
    "a span whose parent id points into its own trace at a span that never arrived, its flags sampled",
    "Capacity, not propagation: raise {from}'s OTEL_BSP_MAX_QUEUE_SIZE; check its exporter and backend load.",
)
SIGNATURES = (
    GHOST_SPAN,
    UNINSTRUMENTED_CLIENT,
    CONTEXT_DROPPED_IN_TRANSIT,
    CONSUMER_NOT_EXTRACTING,
    PROPAGATOR_NOT_REGISTERED,
    SAMPLER_NOT_PARENT_BASED,
    HIDDEN_ERROR_ORIGIN,
    LOGS_WITHOUT_TRACE_ID,
    BAGGAGE_CUT_OFF,
    DROPPED_ON_THE_WAY,
)
SIGNATURES_BY_NAME = {signature.name: signature for signature in SIGNATURES}

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
    BAGGAGE_BUILT_FROM_COLLECTION,
)
