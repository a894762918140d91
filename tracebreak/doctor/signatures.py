"""The signatures the doctor names: stable, documented names, each with the fix in one line."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Signature:
    name: str
    meaning: str
    fix: str  # the Context Law (Extract, Process, Inject), said for this boundary; {from}/{to} filled in


GHOST_SPAN = Signature(
    "ghost-span",
    "work of the request started a trace of its own, rooted at an internal span",
    "Carry the context into background work in {to}: asyncio.create_task(coro) copies it; never start it "
    "in a fresh contextvars.Context() or hand it to a worker that does not receive the context.",
)
UNINSTRUMENTED_CLIENT = Signature(
    "uninstrumented-client",
    "the caller made the call without tracing it: the callee's server span is a root",
    "Inject on outbound: make {from}'s {protocol} client with the OpenTelemetry instrumentation "
    "(e.g. aio_client_interceptors()) so every call to {to} carries traceparent.",
)
CONTEXT_DROPPED_IN_TRANSIT = Signature(
    "context-dropped-in-transit",
    "the caller sent its context, the callee never saw it: something in between removed it",
    "Let traceparent, tracestate and baggage through everything between {from} and {to} "
    "(add them to the gateway's or load balancer's header allowlist).",
)
CONSUMER_NOT_EXTRACTING = Signature(
    "consumer-not-extracting",
    "the message carried context, but the consumer's processing started a trace of its own",
    "Extract on inbound in {to}: build the context from the record headers (propagate.extract) and start "
    "the processing span under it; the library's receive span ends before your code runs.",
)
PROPAGATOR_NOT_REGISTERED = Signature(
    "propagator-not-registered",
    "a service neither extracts nor injects: its inbound spans are roots and so is everything after it",
    "Register the W3C propagators (TraceContext and Baggage) at start in {to}, and check OTEL_PROPAGATORS: "
    "without them every instrumentation there runs blind.",
)
SAMPLER_NOT_PARENT_BASED = Signature(
    "sampler-not-parent-based",
    "a call succeeded but the callee recorded nothing of it: the trace stops at the call",
    "Sample parent-based in {to}: ParentBased(root sampler) follows the caller's decision; an independent "
    "ratio cuts the caller's traces wherever its own coin says no.",
)
HIDDEN_ERROR_ORIGIN = Signature(
    "hidden-error-origin",
    "the request failed, yet no span below the one that reported the failure says why",
    "Record failures where they happen in {to}: span.record_exception and status ERROR, and say why in "
    "the answer to {from}; never `except Exception: return default`.",
)

LOGS_WITHOUT_TRACE_ID = Signature(
    "logs-without-trace-id",
    "log lines written for the request carry its request id but no trace id",
    "Inject trace context into {to}'s logs: LoggingInstrumentor().instrument(inject_trace_context=True) "
    "stamps every record with the trace and span it was written in.",
)

ALL = (
    GHOST_SPAN,
    UNINSTRUMENTED_CLIENT,
    CONTEXT_DROPPED_IN_TRANSIT,
    CONSUMER_NOT_EXTRACTING,
    PROPAGATOR_NOT_REGISTERED,
    SAMPLER_NOT_PARENT_BASED,
    HIDDEN_ERROR_ORIGIN,
    LOGS_WITHOUT_TRACE_ID,
)
BY_NAME = {signature.name: signature for signature in ALL}
