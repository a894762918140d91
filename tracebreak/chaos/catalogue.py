"""The chaos catalogue: every toggle, what it breaks or injects, where its line is, and how it is set.

Breakers reproduce one real context-propagation mistake each, at the line where the bug lives: the
`where` file holds the WRONG and the RIGHT code side by side under a `chaos: NAME` comment. Faults
create incidents but break no trace; their line carries a `fault: NAME` comment. Service-side toggles
live in one flag file (flagd format, read through OpenFeature); the edge's toggle lives in Envoy's
runtime. Call sites name a toggle by its constant here, never by a string.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from tracebreak.chaos.setting import MILLISECONDS, RATE, SERVICE, SWITCH, Setting

Kind = Literal["breaker", "fault"]
ROOT = Path(__file__).resolve().parents[2]  # where `where` is relative to: the repository


@dataclass(frozen=True)
class Toggle:
    name: str
    kind: Kind
    setting: Setting
    where: str  # the file whose `chaos: NAME` (or `fault: NAME`) comment marks the line
    boundary: str
    story: str
    signature: str | None  # the doctor's name for the fracture it makes; None for a fault
    fix: str  # the RIGHT side, in one line
    envoy_runtime_key: str | None = None  # set for toggles that live in Envoy's runtime
    # The one service that acts on it, where code every service shares reads it too (None: any).
    acts_in: str | None = None
    # The `tracebreak lint` rule that finds its WRONG branch (a breaker's), so `audit` can tell a
    # deliberate, switched-off finding from a live one.
    lint_rule: str | None = None

    def parse(self, **given: Any) -> Any:
        """The "on" value from `tracebreak chaos on`'s options, checked against what this toggle takes."""
        try:
            return self.setting.parse(**given)
        except ValueError as error:
            raise ValueError(f"{self.name} {error}") from None

    @property
    def marker(self) -> str:
        return f"{'chaos' if self.kind == 'breaker' else 'fault'}: {self.name}"


INCIDENT = "An incident, not a bug: nothing to fix in the tracing."  # a fault's fix

ORPHAN_BACKGROUND_TASK = Toggle(
    name="orphan-background-task",
    kind="breaker",
    setting=RATE,
    where="services/service_a/audit.py",
    boundary="service-a (background task)",
    story="A starts its audit task in a fresh context: the audit span is a ghost, a root of its own.",
    signature="ghost-span",
    fix="asyncio.create_task(coro) copies the request's context; never pass context=Context().",
    lint_rule="TB101",
)

UNINSTRUMENTED_CLIENT = Toggle(
    name="uninstrumented-client",
    kind="breaker",
    setting=RATE,
    where="services/service_b/client.py",
    boundary="service-a -> service-b (gRPC)",
    story="A calls B on a channel made without the client interceptor: no traceparent in the metadata.",
    signature="uninstrumented-client",
    fix="Make every gRPC channel with aio_client_interceptors(): it injects traceparent.",
    lint_rule="TB301",
)

STRIP_TRACEPARENT_AT_LB = Toggle(
    name="strip-traceparent-at-lb",
    kind="breaker",
    setting=RATE,
    where="envoy/envoy.template.yaml",
    boundary="envoy -> service-a (HTTP)",
    story="A gateway's header allowlist drops traceparent and tracestate after Envoy injected them.",
    signature="context-dropped-in-transit",
    fix="Forward traceparent, tracestate and baggage through every proxy.",
    envoy_runtime_key="tracebreak.strip_traceparent",
    lint_rule="TB001",
)

SILENT_EXCEPTION_RECOVERY = Toggle(
    name="silent-exception-recovery",
    kind="breaker",
    setting=RATE,
    where="services/service_c/database.py",
    boundary="service-c (orders database)",
    story="C swallows the database timeout and returns a default: the request fails, nothing says why.",
    signature="hidden-error-origin",
    fix="Let the exception reach the span (record_exception, status ERROR); no silent default.",
    lint_rule="TB901",
)

KAFKA_CONSUMER_NO_EXTRACT = Toggle(
    name="kafka-consumer-no-extract",
    kind="breaker",
    setting=RATE,
    where="services/service_c/server.py",
    boundary="service-b -> service-c (Kafka)",
    story="C trusts the aiokafka instrumentation, whose span ends before user code runs: no extract.",
    signature="consumer-not-extracting",
    fix="propagate.extract(record headers) and start the processing span under it.",
    lint_rule="TB401",
)

PROPAGATOR_NOT_REGISTERED = Toggle(
    name="propagator-not-registered",
    kind="breaker",
    setting=SWITCH,
    where="tracebreak/runtime/propagation.py",
    boundary="service-b (all boundaries)",
    story="B runs with no text-map propagator (OTEL_PROPAGATORS=none): it neither extracts nor injects.",
    signature="propagator-not-registered",
    fix="Register TraceContext and Baggage propagators at start (OTEL_PROPAGATORS).",
    acts_in="service-b",
    lint_rule="TB601",
)

SAMPLER_NOT_PARENT_BASED = Toggle(
    name="sampler-not-parent-based",
    kind="breaker",
    setting=RATE,
    where="services/service_b/sampling.py",
    boundary="service-a -> service-b (sampling)",
    story="B samples by its own ratio instead of following its caller: the trace stops where B drops it.",
    signature="sampler-not-parent-based",
    fix="ParentBased(root sampler): follow the caller's decision.",
    acts_in="service-b",
    lint_rule="TB701",
)

LOGS_WITHOUT_TRACE_ID = Toggle(
    name="logs-without-trace-id",
    kind="breaker",
    setting=SERVICE,
    where="tracebreak/runtime/logs.py",
    boundary="one service's logs",
    story="Logging set up without trace-context injection: the log lines of a request carry no trace_id.",
    signature="logs-without-trace-id",
    fix="LoggingInstrumentor().instrument(inject_trace_context=True).",
    lint_rule="TB801",
)

DOWNSTREAM_TIMEOUT = Toggle(
    name="downstream-timeout",
    kind="fault",
    setting=RATE,
    where="services/service_c/orders_db.py",
    boundary="service-c (orders database)",
    story="C's database does not answer in time.",
    signature=None,
    fix=INCIDENT,
)

DOWNSTREAM_LATENCY_MS = Toggle(
    name="downstream-latency-ms",
    kind="fault",
    setting=MILLISECONDS,
    where="services/service_c/orders_db.py",
    boundary="service-c (orders database)",
    story="C's database answers this many milliseconds late.",
    signature=None,
    fix=INCIDENT,
)

AUTH_ERROR_RATE = Toggle(
    name="auth-error-rate",
    kind="fault",
    setting=RATE,
    where="services/service_b/tokens.py",
    boundary="service-b (token store)",
    story="B's token store fails this share of requests: B answers with an internal error of its own.",
    signature=None,
    fix=INCIDENT,
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
