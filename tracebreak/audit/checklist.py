"""The eight items of the article's Senior Audit Checklist, and what an item's check concludes."""

from dataclasses import dataclass, field
from typing import Literal

# BLOCKED: what the item looks at broke only because an earlier break left it nothing to judge (a
# consumer that received no traceparent has nothing to extract): the item that names that break fails.
Status = Literal["PASS", "FAIL", "BLOCKED", "SKIP"]


@dataclass(frozen=True)
class Item:
    number: int
    title: str  # the article's words, for tracebreak's stack
    how: str  # where the evidence comes from
    fix: str


@dataclass
class Result:
    item: Item
    status: Status
    evidence: list[str] = field(default_factory=list)
    boundaries: list[str] = field(default_factory=list)  # where it fails: "service-a -> service-b"
    blocked_by: list[int] = field(default_factory=list)  # the items that name what it could not judge
    fixes: list[str] = field(default_factory=list)  # what mends its failures, each said once

    def fail(self, evidence: str, boundary: str, fix: str | None = None) -> None:
        """Fail the item at `boundary`, named once: the wire's "envoy -> service-a" and the
        toggle's "envoy -> service-a (HTTP)" are one place. `fix`: what mends this failure, where the
        evidence shows it is not the item's own fix."""
        self.status = "FAIL"
        self.evidence.append(evidence)
        if all(_place(boundary) != _place(named) for named in self.boundaries):
            self.boundaries.append(boundary)
        mend = fix or self.item.fix
        if mend not in self.fixes:
            self.fixes.append(mend)

    @property
    def fix(self) -> str | None:
        return " ".join(self.fixes) if self.status == "FAIL" else None

    def block(self, evidence: str, by: int) -> None:
        """What was seen is the consequence of the break item `by` names: no FAIL of this item's own."""
        if self.status != "FAIL":
            self.status = "BLOCKED"
        self.evidence.append(evidence)
        if by not in self.blocked_by:
            self.blocked_by.append(by)

    def as_dict(self) -> dict[str, object]:
        return {
            "item": self.item.number,
            "title": self.item.title,
            "how": self.item.how,
            "status": self.status,
            "evidence": self.evidence,
            "boundaries": self.boundaries,
            "blocked_by": self.blocked_by,
            "fix": self.fix,
        }


def _place(boundary: str) -> str:
    """A boundary without its qualifier: "service-a -> service-b (gRPC)" is at "service-a -> service-b"."""
    return boundary.split(" (")[0]


WIRE = Item(
    1,
    "traceparent is physically present on every cross-service call",
    "tracebreak wire on one synthetic request; lint (gateway, gRPC and HTTP clients)",
    "Instrument every client and forward traceparent, tracestate and baggage through every proxy.",
)
ROOTS = Item(
    2,
    "no internal service appears as a trace root",
    "the backend: the synthetic request's traces and their root spans",
    "A root inside the stack is a broken boundary: find the hop or task where that span's parent was lost.",
)
TASKS = Item(
    3,
    "every task, executor job and thread carries its context",
    "lint on the services' source (task and executor rules)",
    "Let create_task copy the context; run executor and thread work under contextvars.copy_context().",
)
KAFKA = Item(
    4,
    "Kafka consumers extract the context from the headers before processing",
    "lint on the services' source (Kafka rule); the backend: the consumer's span in the producer's trace",
    "context.attach(propagate.extract(headers)) before the processing span; detach after.",
)
LOGS = Item(
    5,
    "trace_id is present and non-empty in the log lines of a sample request",
    "the synthetic request's log lines (the store, JSON log files or Loki); lint (logging rules)",
    "LoggingInstrumentor().instrument(inject_trace_context=True) in every service, before logging starts.",
)
SAMPLING = Item(
    6,
    "tail-based sampling is configured in the collector",
    "the collector's configuration file: a tail_sampling processor with error, latency and ratio policies",
    "Add a tail_sampling processor (status_code ERROR, latency, probabilistic) to the traces pipeline.",
)
PROPAGATORS = Item(
    7,
    "TraceContext and Baggage propagators are registered in every service",
    "the wire: a service that received context and injected none; lint (propagator rules)",
    "Register both at start-up: OTEL_PROPAGATORS=tracecontext,baggage, or set_global_textmap(...).",
)
SYNTHETIC = Item(
    8,
    "a synthetic end-to-end request is one trace across every service",
    "one request sent through the edge; its traces in the backend; lint (sampler and exception rules)",
    "Follow the first fragment boundary the request shows; sample parent-based; record what you catch.",
)

ITEMS = (WIRE, ROOTS, TASKS, KAFKA, LOGS, SAMPLING, PROPAGATORS, SYNTHETIC)
