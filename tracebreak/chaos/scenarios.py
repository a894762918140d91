"""Scenarios: named mixes of toggles, each a known incident, switched with one command
(`tracebreak chaos scenario NAME`). Defined here, beside the catalogue they draw on; each says what
the on-call engineer is told and which signatures the doctor must find while it runs."""

from dataclasses import dataclass
from typing import Any

from tracebreak.chaos.catalogue import (
    AUTH_ERROR_RATE,
    CONTEXT_LEAK,
    DOWNSTREAM_LATENCY_MS,
    DOWNSTREAM_TIMEOUT,
    KAFKA_CONSUMER_NO_EXTRACT,
    LOGS_WITHOUT_TRACE_ID,
    ORPHAN_BACKGROUND_TASK,
    PROPAGATOR_MISMATCH,
    SAMPLER_NOT_PARENT_BASED,
    SILENT_EXCEPTION_RECOVERY,
    STRIP_TRACEPARENT_AT_LB,
    Toggle,
)


@dataclass(frozen=True)
class Scenario:
    name: str
    page: str  # what the on-call engineer is told: the symptom, never the cause
    story: str  # what is really going on, for the host and for the lab's end
    settings: tuple[tuple[Toggle, Any], ...]
    signatures: frozenset[str]  # exactly what the doctor finds while it runs

    @property
    def toggles(self) -> dict[str, Any]:
        return {t.name: value for t, value in self.settings}


THREE_AM_INCIDENT = Scenario(
    name="3am-incident",
    page="03:12, PagerDuty: checkout fails for about 40% of orders (HTTP 502, enrichment_failed). The "
    "traces show the error in service-a and nothing below it says why; single spans float around them.",
    story="C's database times out and C recovers silently (an empty answer, no error recorded); B "
    "passes the empty order up as if it were an answer; A can only answer a generic 502; A's audit "
    "task starts in a fresh context and leaves ghost spans: disconnected spans floating like ghost "
    "ships, the actual error in C invisible.",
    settings=(
        (DOWNSTREAM_TIMEOUT, 0.4),
        (SILENT_EXCEPTION_RECOVERY, 1.0),
        (ORPHAN_BACKGROUND_TASK, 1.0),
    ),
    signatures=frozenset({"hidden-error-origin", "ghost-span"}),
)
KAFKA_BLIND_SPOT = Scenario(
    name="kafka-blind-spot",
    page="Orders got slow this afternoon; every trace ends where service-c receives the record, and "
    "service-c's dashboard shows traffic nobody can trace.",
    story="C's consumer processes records without extracting the context from their headers, and its "
    "database is slow: the slow part lives in traces of its own.",
    settings=((KAFKA_CONSUMER_NO_EXTRACT, 1.0), (DOWNSTREAM_LATENCY_MS, 300)),
    signatures=frozenset({"consumer-not-extracting"}),
)
GATEWAY_ALLOWLIST = Scenario(
    name="gateway-allowlist",
    page="Since the gateway change this morning, service-a's traces start at service-a: the edge's "
    "spans are alone, and nothing joins them.",
    story="The gateway's header allowlist drops traceparent and tracestate after Envoy injected them.",
    settings=((STRIP_TRACEPARENT_AT_LB, 1.0),),
    signatures=frozenset({"context-dropped-in-transit"}),
)
SAMPLING_HOLES = Scenario(
    name="sampling-holes",
    page="About half the traces stop at service-a's gRPC call; the others are complete. Nobody changed "
    "anything in service-a.",
    story="B samples on its own (a ratio sampler, not parent-based): where it drops, the trace stops.",
    settings=((SAMPLER_NOT_PARENT_BASED, 0.5),),
    signatures=frozenset({"sampler-not-parent-based"}),
)
DARK_LOGS = Scenario(
    name="dark-logs",
    page="Since this morning's logging change, about a third of checkouts fail (HTTP 502). The log "
    "search for the failing requests' trace ids finds nothing.",
    story="Logging is set up without trace-context injection in every service: the lines are there, "
    "with no trace_id to find them by; and B's token store fails on some requests.",
    settings=((LOGS_WITHOUT_TRACE_ID, "all"), (AUTH_ERROR_RATE, 0.3)),
    signatures=frozenset({"logs-without-trace-id"}),
)
MESH_MIGRATION = Scenario(
    name="mesh-migration",
    page="Monday after the service-mesh migration: every trace stops at service-b, and one trace in "
    "service-a's dashboard has been growing since Friday's deploy.",
    story="service-b moved onto the mesh and speaks its B3 headers only (OTEL_PROPAGATORS=b3multi), so "
    "its W3C neighbours start new traces at each of its hops; service-a's new notification worker, "
    "shipped the same week, is started lazily inside the first request that needs it and keeps that "
    "request's context: every later request's notice lands in one trace that grows for as long as "
    "service-a runs.",
    settings=((PROPAGATOR_MISMATCH, True), (CONTEXT_LEAK, 1.0)),
    signatures=frozenset({"propagator-mismatch", "mega-trace"}),
)

SCENARIOS = (
    THREE_AM_INCIDENT,
    KAFKA_BLIND_SPOT,
    GATEWAY_ALLOWLIST,
    SAMPLING_HOLES,
    DARK_LOGS,
    MESH_MIGRATION,
)
BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}


class UnknownScenario(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown scenario {name!r}; the scenarios are: {', '.join(BY_NAME)}")


def scenario(name: str) -> Scenario:
    try:
        return BY_NAME[name]
    except KeyError:
        raise UnknownScenario(name) from None
