"""The chaos catalogue: every toggle, what it breaks or injects, where, and how it is switched.

Breakers reproduce one real context-propagation mistake each; faults create incidents but break
no trace. Service-side toggles live in one flag file (flagd format, read through OpenFeature);
the Envoy-side toggle lives in Envoy's runtime.
"""

from dataclasses import dataclass
from typing import Literal

Kind = Literal["breaker", "fault"]
# How a toggle is set: a share of requests (0-1), a number of milliseconds, on/off for the whole
# process, or the service it applies to.
Value = Literal["rate", "milliseconds", "switch", "service"]

SERVICES = ("service-a", "service-b", "service-c")


@dataclass(frozen=True)
class Toggle:
    name: str
    kind: Kind
    value: Value
    boundary: str
    story: str
    envoy_runtime_key: str | None = None  # set for toggles that live in Envoy's runtime


CATALOGUE = (
    Toggle(
        "orphan-background-task", "breaker", "rate", "service-a (background task)",
        "A starts its audit task in a fresh context: the audit span is a ghost, a root of its own.",
    ),
    Toggle(
        "uninstrumented-client", "breaker", "rate", "service-a -> service-b (gRPC)",
        "A calls B on a channel made without the client interceptor: no traceparent in the metadata.",
    ),
    Toggle(
        "strip-traceparent-at-lb", "breaker", "rate", "envoy -> service-a (HTTP)",
        "A gateway's header allowlist drops traceparent and tracestate after Envoy injected them.",
        envoy_runtime_key="tracebreak.strip_traceparent",
    ),
    Toggle(
        "silent-exception-recovery", "breaker", "rate", "service-c (orders database)",
        "C swallows the database timeout and returns a default: the request fails, nothing says why.",
    ),
    Toggle(
        "kafka-consumer-no-extract", "breaker", "rate", "service-b -> service-c (Kafka)",
        "C trusts the aiokafka instrumentation, whose span ends before user code runs: no extract.",
    ),
    Toggle(
        "propagator-not-registered", "breaker", "switch", "service-b (all boundaries)",
        "B runs with no text-map propagator (OTEL_PROPAGATORS=none): it neither extracts nor injects.",
    ),
    Toggle(
        "sampler-not-parent-based", "breaker", "rate", "service-a -> service-b (sampling)",
        "B samples by its own ratio instead of following its caller: the trace stops where B drops it.",
    ),
    Toggle(
        "logs-without-trace-id", "breaker", "service", "one service's logs",
        "Logging set up without trace-context injection: the log lines of a request carry no trace_id.",
    ),
    Toggle(
        "downstream-timeout", "fault", "rate", "service-c (orders database)",
        "C's database does not answer in time.",
    ),
    Toggle(
        "downstream-latency-ms", "fault", "milliseconds", "service-c (orders database)",
        "C's database answers this many milliseconds late.",
    ),
    Toggle(
        "auth-error-rate", "fault", "rate", "service-b",
        "B fails this share of requests with an internal error of its own.",
    ),
)  # fmt: skip

BY_NAME = {toggle.name: toggle for toggle in CATALOGUE}


class UnknownToggle(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown toggle {name!r}; the toggles are: {', '.join(BY_NAME)}")


def toggle(name: str) -> Toggle:
    try:
        return BY_NAME[name]
    except KeyError:
        raise UnknownToggle(name) from None
