"""The fractures the doctor names in a request's traces, each said once: what it means, how the spans
show it, and the fix said for the boundary where it happens. A signature is a shape of broken traces,
not a line of code: several mistakes (tracebreak.mistakes) leave the same one."""

from dataclasses import dataclass


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
MEGA_TRACE = Signature(
    "mega-trace",
    "work done for the request was recorded in another request's trace, or others' work in its own",
    "one trace holding spans of several request ids, or outliving its request by far: a worker that kept "
    "the context it was started in",
    "Start long-lived workers in {to} at start-up or in an empty context (create_task(..., "
    "context=Context())), and run each unit of work in the context it carries (queue it with the item).",
)
PROPAGATOR_MISMATCH = Signature(
    "propagator-mismatch",
    "the caller sent its context in a format the callee does not read: the callee started a new trace",
    "a call or message whose receiver is a root, where the two services' propagators share no header",
    "Make {from} and {to} speak one format: during a migration, "
    "OTEL_PROPAGATORS=tracecontext,baggage,b3multi on the receiver ({to}) reads both; then move everyone "
    "to W3C Trace Context.",
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
    MEGA_TRACE,
    PROPAGATOR_MISMATCH,
    BAGGAGE_CUT_OFF,
    DROPPED_ON_THE_WAY,
)
SIGNATURES_BY_NAME = {signature.name: signature for signature in SIGNATURES}
