"""The rules of the Context Law check: each with a stable id, grouped by family, never reused.

The hundreds digit names the family, in the order a request meets them: 0 the gateway (the edge), 1
tasks, 2 executors and threads, 3 gRPC, 4 Kafka, 5 HTTP clients, 6 propagators, 7 samplers, 8 logging,
9 exception handling.
"""

from dataclasses import dataclass
from typing import Literal

Family = Literal[
    "gateway", "task", "executor", "grpc", "kafka", "http", "propagator", "sampler", "logging", "exception"
]


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    summary: str  # what it catches, in one line
    fix: str  # the RIGHT side, in one line
    family: Family


@dataclass(frozen=True)
class Finding:
    rule: str
    path: str  # relative to the working directory when the file is under it
    line: int
    column: int  # 1-based
    message: str
    fix: str


_RULES = (
    Rule(
        "TB001",
        "gateway-strips-trace-headers",
        "An Envoy config removes traceparent, tracestate or baggage from requests it forwards.",
        "Forward traceparent, tracestate and baggage through every proxy: take them off the removal list.",
        "gateway",
    ),
    Rule(
        "TB101",
        "task-in-fresh-context",
        "A task or callback is started in a fresh, empty context (context=contextvars.Context()).",
        "Drop context=Context(): create_task copies the current context, so the task's spans join the trace.",
        "task",
    ),
    Rule(
        "TB102",
        "queue-worker-without-context",
        "A long-lived worker takes items off a queue and runs them without the context they were queued in.",
        "Queue (contextvars.copy_context(), item) and run each item with ctx.run(...) in the worker.",
        "task",
    ),
    Rule(
        "TB201",
        "executor-without-context",
        "run_in_executor or ThreadPoolExecutor.submit runs work in a thread without the caller's context.",
        "Submit copy_context().run with the function (or use asyncio.to_thread, which copies the context).",
        "executor",
    ),
    Rule(
        "TB202",
        "thread-without-context",
        "threading.Thread runs its target without the starting thread's context.",
        "Start it with target=copy_context().run, args=(fn, ...), or apply ThreadingInstrumentor at start.",
        "executor",
    ),
    Rule(
        "TB301",
        "grpc-channel-without-interceptor",
        "A gRPC channel is made without the OpenTelemetry client interceptor and no gRPC instrumentor runs.",
        "Make the channel with interceptors=aio_client_interceptors() (grpc.intercept_channel for sync).",
        "grpc",
    ),
    Rule(
        "TB302",
        "grpc-server-without-interceptor",
        "A gRPC server is made without the OpenTelemetry server interceptor and no gRPC instrumentor runs.",
        "Make the server with interceptors=[aio_server_interceptor()] (server_interceptor() for sync).",
        "grpc",
    ),
    Rule(
        "TB401",
        "kafka-record-without-extract",
        "A consumed Kafka record is processed with no propagate.extract from its headers before it.",
        "context.attach(propagate.extract(record headers)) before the processing span, detach after.",
        "kafka",
    ),
    Rule(
        "TB501",
        "http-client-without-instrumentation",
        "An HTTP client is made where no instrumentation of its library runs: no traceparent goes out.",
        "Instrument the library once at start (e.g. HTTPXClientInstrumentor().instrument()).",
        "http",
    ),
    Rule(
        "TB601",
        "propagator-propagates-nothing",
        "The global propagator is one that neither extracts nor injects.",
        "set_global_textmap(CompositePropagator([TraceContextTextMapPropagator(), W3CBaggagePropagator()])).",
        "propagator",
    ),
    Rule(
        "TB602",
        "propagators-set-to-none",
        "OTEL_PROPAGATORS=none: the process registers no propagator at all.",
        "OTEL_PROPAGATORS=tracecontext,baggage (or leave it unset: that is the default).",
        "propagator",
    ),
    Rule(
        "TB701",
        "sampler-not-parent-based",
        "A sampler decides on its own instead of following the caller's sampling decision.",
        "Wrap it: ParentBased(TraceIdRatioBased(rate)); decide only where there is no caller.",
        "sampler",
    ),
    Rule(
        "TB702",
        "sampler-env-not-parent-based",
        "OTEL_TRACES_SAMPLER names a sampler that ignores the caller's decision.",
        "OTEL_TRACES_SAMPLER=parentbased_traceidratio (or parentbased_always_on, the default).",
        "sampler",
    ),
    Rule(
        "TB801",
        "logging-instrumentor-without-injection",
        "LoggingInstrumentor().instrument() without trace-context injection: log lines carry no trace_id.",
        "LoggingInstrumentor().instrument(inject_trace_context=True) (or set_logging_format=True).",
        "logging",
    ),
    Rule(
        "TB802",
        "logging-without-trace-context",
        "Logging is configured and nothing in the code checked injects the trace context into records.",
        "Call LoggingInstrumentor().instrument(inject_trace_context=True) at start, and log otelTraceID.",
        "logging",
    ),
    Rule(
        "TB901",
        "exception-swallowed-into-default",
        "An exception handler returns a default without recording the exception on the span.",
        "Re-raise, or span.record_exception(error) and span.set_status(StatusCode.ERROR) before returning.",
        "exception",
    ),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULES}
