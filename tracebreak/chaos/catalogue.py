"""The chaos catalogue: every toggle, what it breaks or injects, where its line is, and how it is set.

Breakers reproduce one real context-propagation mistake each (tracebreak.mistakes says what it is,
what fixes it and the signature it leaves), at the line where the bug lives, at one boundary: the
`where` file holds the WRONG and the RIGHT code side by side under a `chaos: NAME` comment. Faults
create incidents but break no trace; their line carries a `fault: NAME` comment. Designs choose
between two right ways to trace the same work, each with its cost; the doctor reads either as whole,
and their line carries a `design: NAME` comment with both ways side by side. Service-side toggles
live in one flag file (flagd format, read through OpenFeature); the edge's toggle lives in Envoy's
runtime. Call sites name a toggle by its constant here, never by a string.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from tracebreak import mistakes as m
from tracebreak.chaos.setting import MILLISECONDS, RATE, SERVICE, SWITCH, Setting
from tracebreak.mistakes import Mistake
from tracebreak.signatures import Boundary

Kind = Literal["breaker", "fault", "design"]
ROOT = Path(__file__).resolve().parents[2]  # where `where` is relative to: the repository
INCIDENT = "An incident, not a bug: nothing to fix in the tracing."  # a fault's fix
CHOICE = "A choice, not a bug: "  # how a design's cost opens where a breaker's fix would be


@dataclass(frozen=True)
class Incident:
    """What a fault injects: it fails or slows requests, and breaks no trace."""

    story: str


@dataclass(frozen=True)
class Design:
    """What a design chooses: another right way to trace the work, and what it costs a person reading
    the traces."""

    story: str
    cost: str


@dataclass(frozen=True)
class Toggle:
    name: str
    cause: Mistake | Incident | Design  # a breaker reproduces a mistake; a fault injects an incident
    setting: Setting
    where: str  # the file whose `chaos: NAME` (or `fault: NAME`) comment marks the line
    boundary: Boundary
    # The end of the boundary whose process runs the WRONG line, and so the one service that acts on
    # the toggle (code every service shares reads some): where the context was to arrive, or, for a
    # mistake in the caller's client, the caller.
    side: Literal["source", "target"] = "target"
    envoy_runtime_key: str | None = None  # set for toggles that live in Envoy's runtime

    def parse(self, **given: Any) -> Any:
        """The "on" value from `tracebreak chaos on`'s options, checked against what this toggle takes."""
        try:
            return self.setting.parse(**given)
        except ValueError as error:
            raise ValueError(f"{self.name} {error}") from None

    @property
    def mistake(self) -> Mistake | None:
        return self.cause if isinstance(self.cause, Mistake) else None

    @property
    def kind(self) -> Kind:
        if isinstance(self.cause, Design):
            return "design"
        return "fault" if self.mistake is None else "breaker"

    @property
    def story(self) -> str:
        return self.cause.story

    @property
    def fix(self) -> str:
        if isinstance(self.cause, Design):
            return CHOICE + self.cause.cost
        return INCIDENT if self.mistake is None else self.mistake.fix

    @property
    def signature(self) -> str | None:
        """The doctor's name for the fracture it makes; None for a fault or a design."""
        if self.mistake is None or self.mistake.signature is None:
            return None
        return self.mistake.signature.name

    @property
    def lint_rule(self) -> str | None:
        """The `tracebreak lint` rule that finds a breaker's WRONG branch, so `audit` can tell a
        deliberate, switched-off finding from a live one."""
        return None if self.mistake is None else self.mistake.id

    @property
    def acts_in(self) -> str | None:
        """The one service that acts on it; None where its setting chooses the service."""
        if self.setting is SERVICE:
            return None
        return self.boundary.source if self.side == "source" else self.boundary.target

    @property
    def marker(self) -> str:
        return f"{'chaos' if self.kind == 'breaker' else self.kind}: {self.name}"


ORPHAN_BACKGROUND_TASK = Toggle(
    "orphan-background-task",
    m.TASK_IN_FRESH_CONTEXT,
    RATE,
    where="services/service_a/audit.py",
    boundary=Boundary("service-a", "service-a", "background task"),
)
UNINSTRUMENTED_CLIENT = Toggle(
    "uninstrumented-client",
    m.GRPC_CHANNEL_WITHOUT_INTERCEPTOR,
    RATE,
    where="services/service_b/client.py",  # B's client, the one A calls it with
    boundary=Boundary("service-a", "service-b", "gRPC"),
    side="source",
)
STRIP_TRACEPARENT_AT_LB = Toggle(
    "strip-traceparent-at-lb",
    m.GATEWAY_STRIPS_TRACE_HEADERS,
    RATE,
    where="envoy/envoy.template.yaml",
    boundary=Boundary("envoy", "service-a", "HTTP"),
    envoy_runtime_key="tracebreak.strip_traceparent",
)
SILENT_EXCEPTION_RECOVERY = Toggle(
    "silent-exception-recovery",
    m.EXCEPTION_SWALLOWED_INTO_DEFAULT,
    RATE,
    where="services/service_c/database.py",
    boundary=Boundary("service-c", "service-c", "orders database"),
)
KAFKA_CONSUMER_NO_EXTRACT = Toggle(
    "kafka-consumer-no-extract",
    m.KAFKA_RECORD_WITHOUT_EXTRACT,
    RATE,
    where="services/service_c/server.py",
    boundary=Boundary("service-b", "service-c", "Kafka"),
)
PROPAGATOR_NOT_REGISTERED = Toggle(
    "propagator-not-registered",
    m.PROPAGATOR_PROPAGATES_NOTHING,
    SWITCH,
    where="tracebreak/runtime/propagation.py",
    boundary=Boundary.everywhere("service-b"),
)
SAMPLER_NOT_PARENT_BASED = Toggle(
    "sampler-not-parent-based",
    m.SAMPLER_DECIDES_ALONE,
    RATE,
    where="services/service_b/sampling.py",
    boundary=Boundary("service-a", "service-b", "sampling"),
)
LOGS_WITHOUT_TRACE_ID = Toggle(
    "logs-without-trace-id",
    m.LOGGING_INSTRUMENTOR_WITHOUT_INJECTION,
    SERVICE,
    where="tracebreak/runtime/logs.py",
    boundary=Boundary("one service", "one service", "logs"),  # the one `--service` chooses
)
CONTEXT_LEAK = Toggle(
    "context-leak",
    m.WORKER_STARTED_IN_REQUEST_CONTEXT,
    RATE,  # the share of notices handed to the lazily started worker (services/service_a/notices.py)
    where="services/service_a/notices.py",
    boundary=Boundary("service-a", "service-a", "long-lived worker"),
)
THREAD_POOL_WITHOUT_CONTEXT = Toggle(
    "thread-pool-without-context",
    m.EXECUTOR_WITHOUT_CONTEXT,
    RATE,
    where="services/service_c/database.py",
    boundary=Boundary("service-c", "service-c", "thread pool"),
)
PROPAGATOR_MISMATCH = Toggle(
    "propagator-mismatch",
    m.PROPAGATOR_FORMAT_MISMATCH,
    SWITCH,
    where="tracebreak/runtime/propagation.py",
    boundary=Boundary.everywhere("service-b"),  # B3 on all of B's hops, in and out
)
BAGGAGE_OVERFLOW = Toggle(
    "baggage-overflow",
    m.BAGGAGE_BUILT_FROM_COLLECTION,
    RATE,
    where="services/service_b/carried.py",
    boundary=Boundary("service-b", "service-c", "Kafka"),
    side="source",
)

DOWNSTREAM_TIMEOUT = Toggle(
    "downstream-timeout",
    Incident("C's database does not answer in time."),
    RATE,
    where="services/service_c/orders_db.py",
    boundary=Boundary("service-c", "service-c", "orders database"),
)
DOWNSTREAM_LATENCY_MS = Toggle(
    "downstream-latency-ms",
    Incident("C's database answers this many milliseconds late."),
    MILLISECONDS,
    where="services/service_c/orders_db.py",
    boundary=Boundary("service-c", "service-c", "orders database"),
)
AUTH_ERROR_RATE = Toggle(
    "auth-error-rate",
    Incident("B's token store fails this share of requests: B answers with an internal error of its own."),
    RATE,
    where="services/service_b/tokens.py",
    boundary=Boundary("service-b", "service-b", "token store"),
)
SPAN_EXPORT_OVERFLOW = Toggle(
    "span-export-overflow",
    Incident("One service's span export queue is too small for its load: under a burst the SDK drops spans."),
    SERVICE,
    where="tracebreak/runtime/export.py",
    boundary=Boundary("one service", "one service", "span export"),  # the one `--service` chooses
)

KAFKA_BATCH_LINKS = Toggle(
    "kafka-batch-links",
    Design(
        "C takes its records in batches and processes each batch under one span of a trace of its own, "
        "linked to every record's context, as the messaging conventions advise for batches.",
        "a search by a request's trace id finds C's receive span and not its work, which sits in the "
        "batch's trace with the other requests of the batch; the doctor joins it by link.",
    ),
    SWITCH,
    where="services/service_c/server.py",
    boundary=Boundary("service-b", "service-c", "Kafka"),
)

CATALOGUE = (
    ORPHAN_BACKGROUND_TASK,
    UNINSTRUMENTED_CLIENT,
    STRIP_TRACEPARENT_AT_LB,
    SILENT_EXCEPTION_RECOVERY,
    KAFKA_CONSUMER_NO_EXTRACT,
    PROPAGATOR_NOT_REGISTERED,
    SAMPLER_NOT_PARENT_BASED,
    LOGS_WITHOUT_TRACE_ID,
    DOWNSTREAM_TIMEOUT,
    DOWNSTREAM_LATENCY_MS,
    AUTH_ERROR_RATE,
    CONTEXT_LEAK,
    THREAD_POOL_WITHOUT_CONTEXT,
    PROPAGATOR_MISMATCH,
    BAGGAGE_OVERFLOW,
    SPAN_EXPORT_OVERFLOW,
    KAFKA_BATCH_LINKS,
)
BY_NAME = {t.name: t for t in CATALOGUE}


class UnknownToggle(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown toggle {name!r}; the toggles are: {', '.join(BY_NAME)}")


def where_line(t: Toggle, root: Path = ROOT) -> int | None:
    """The line of the toggle's marker in its `where` file; None where the source is not at hand."""
    path = root / t.where
    if not path.is_file():
        return None
    lines = path.read_text().splitlines()
    return next((n for n, line in enumerate(lines, start=1) if f"{t.marker}." in line), None)


def lab_page(t: Toggle, root: Path = ROOT) -> str | None:
    """The lab on the toggle, `docs/labs/NN-NAME.md` as the folder holds it; None where there is none
    (a fault) or the docs are not at hand."""
    found = sorted((root / "docs" / "labs").glob(f"[0-9][0-9]-{t.name}.md"))
    return found[0].relative_to(root).as_posix() if found else None


def toggle(name: str) -> Toggle:
    try:
        return BY_NAME[name]
    except KeyError:
        raise UnknownToggle(name) from None
