"""The examples the scenario labs quote (docs/labs/10-14 and 21): the scenario switched on, a request that
shows the incident, its log lines (and the other trace they name, where they name one), the doctor;
then the breakers fixed, a fault left on where the fix makes it visible, and the doctor clean."""

import re
from functools import partial

from tracebreak.chaos.scenarios import BY_NAME, SCENARIOS
from tracebreak.cli.examples.framework import Example
from tracebreak.cli.examples.labs import (
    CLEAN_DOCTOR,
    DOCTOR,
    LABS,
    LOGS,
    REQUEST,
    RESET,
    WIRE_SHOWS,
    examples_of,
    fewer_spans,
    lacks,
    logs_correlated,
    off,
)
from tracebreak.cli.examples.scenes import WIRE, Effect, Scene, Shows, healthy
from tracebreak.demo import SERVICES

SCENARIO_PAGES = {
    "3am-incident": f"{LABS}/10-3am-incident.md",
    "kafka-blind-spot": f"{LABS}/11-kafka-blind-spot.md",
    "gateway-allowlist": f"{LABS}/12-gateway-allowlist.md",
    "sampling-holes": f"{LABS}/13-sampling-holes.md",
    "dark-logs": f"{LABS}/14-dark-logs.md",
    "mesh-migration": f"{LABS}/21-mesh-migration.md",
}
PIVOT = "tracebreak trace {other_trace_id}"  # the trace the log lines name besides the request's
LOOKUP = "grep -h {trace_id} .tracebreak/logs/service-*.log"  # the log search by the trace's id
B_SPAN = re.compile(r"^\s+service-b\s", re.MULTILINE)


def failing(transcript: str) -> bool:
    """A request that failed (the transcript's second line is the answer's status)."""
    return transcript.splitlines()[1].startswith("HTTP 502")


def told(transcript: str) -> bool:
    return failing(transcript) and "did not answer" in transcript


def without_b(transcript: str) -> bool:
    return B_SPAN.search(transcript) is None


def on(name: str) -> str:
    return f"tracebreak chaos scenario {name}"


def incident(name: str, steps: tuple[str, ...], effect: Effect, shows: Shows = None) -> Scene:
    """The scenario on, the capture of one request (its first step, as the article's), then `steps`."""
    names = tuple(sorted(BY_NAME[name].signatures))
    steps = (on(name), WIRE, *steps)
    # The capture its breakers' labs quote: one where the break shows (a sampler's, unsampled).
    wire = next((WIRE_SHOWS[t.name] for t, _ in BY_NAME[name].settings if t.name in WIRE_SHOWS), None)
    return Scene(name, steps, effect, shows=shows, wire_shows=wire, names=names)


def verify(name: str, steps: tuple[str, ...], effect: Effect = healthy, shows: Shows = None) -> Scene:
    """The fix, played from where the incident left the stack: the scenario on."""
    return Scene(f"{name}-verify", steps, effect, True, shows, given=(on(name),))


# Per scenario: the incident and its verification, as the lab shows them.
SCENES: dict[str, tuple[Scene, Scene]] = {
    "3am-incident": (
        incident("3am-incident", (REQUEST, LOGS, DOCTOR), fewer_spans, failing),
        verify(
            "3am-incident",
            (*off("silent-exception-recovery", "orphan-background-task"), REQUEST, LOGS, CLEAN_DOCTOR, RESET),
            shows=told,
        ),
    ),
    "kafka-blind-spot": (
        incident("kafka-blind-spot", (REQUEST, LOGS, PIVOT, DOCTOR), fewer_spans),
        verify("kafka-blind-spot", (*off("kafka-consumer-no-extract"), REQUEST, CLEAN_DOCTOR, RESET)),
    ),
    "gateway-allowlist": (
        incident("gateway-allowlist", (REQUEST, LOGS, PIVOT, DOCTOR), partial(lacks, "service-a")),
        verify("gateway-allowlist", (*off("strip-traceparent-at-lb"), REQUEST, CLEAN_DOCTOR, RESET)),
    ),
    "sampling-holes": (
        incident("sampling-holes", (REQUEST, LOGS, DOCTOR), partial(lacks, "service-b"), without_b),
        verify("sampling-holes", (*off("sampler-not-parent-based"), REQUEST, CLEAN_DOCTOR, RESET)),
    ),
    "dark-logs": (
        incident(
            "dark-logs", (REQUEST, LOOKUP, LOGS, DOCTOR), partial(logs_correlated, SERVICES, False), failing
        ),
        verify(
            "dark-logs",
            (*off("logs-without-trace-id"), REQUEST, LOGS, CLEAN_DOCTOR, RESET),
            partial(logs_correlated, SERVICES, True),
            failing,
        ),
    ),
    "mesh-migration": (
        incident("mesh-migration", (REQUEST, LOGS, DOCTOR), partial(lacks, "service-b")),
        verify("mesh-migration", (*off("propagator-mismatch", "context-leak"), REQUEST, CLEAN_DOCTOR, RESET)),
    ),
}


def scenario_examples() -> tuple[Example, ...]:
    made: list[Example] = []
    for scenario in SCENARIOS:
        incident, verify = SCENES[scenario.name]
        page = SCENARIO_PAGES[scenario.name]
        made += examples_of(incident, page)
        made += examples_of(verify, page)
    return tuple(made)


SCENARIO_EXAMPLES = scenario_examples()
