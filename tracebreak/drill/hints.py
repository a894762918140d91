"""Hints along the article's workflow, one step a hint, the doctor last (it names the answer, so it
caps the score). The step that reads the requests says what to open for what the mix breaks: a
request split into traces, a trace cut short, a failure no span explains, or a whole trace whose log
lines are dark."""

from collections.abc import Iterable

from tracebreak.chaos.catalogue import (
    BAGGAGE_OVERFLOW,
    CONTEXT_LEAK,
    KAFKA_CONSUMER_NO_EXTRACT,
    LOGS_WITHOUT_TRACE_ID,
    ORPHAN_BACKGROUND_TASK,
    PROPAGATOR_MISMATCH,
    PROPAGATOR_NOT_REGISTERED,
    SAMPLER_NOT_PARENT_BASED,
    SILENT_EXCEPTION_RECOVERY,
    STRIP_TRACEPARENT_AT_LB,
    THREAD_POOL_WITHOUT_CONTEXT,
    UNINSTRUMENTED_CLIENT,
)

WIRE = (
    "Trust the wire: `tracebreak wire` sends one request and decodes each hop. Is a traceparent on "
    "every hop? Is it the same trace id on every hop, and where does it change?"
)
REQUESTS = (
    "Read the requests: the web view's requests (http://127.0.0.1:16686/) list each request with its "
    "status, its number of traces and whether it is whole. Open a broken one."
)
LOGS = (
    "Pivot through the logs: take a request's trace_id and find its lines (the request's page, or "
    "`grep TRACE_ID .tracebreak/logs/*.log`). Whose lines are missing, or carry no trace_id?"
)
CODE = (
    "Find the boundary in the code: `tracebreak lint services tracebreak/runtime "
    "envoy/envoy.template.yaml` lists every place where context can be lost. Which one sits on the "
    "boundary you found?"
)
SPEAKS = "The doctor speaks now: `tracebreak doctor --since 5m` (and the web view's verdicts)."
DOCTOR = f"{SPEAKS} Your score for what you have not found yet is capped at half."

# What a broken request of each breaker looks like in the list, and what to ask of it.
SPLIT = "More than one trace? Where does the second trace begin?"
CUT_SHORT = "One trace? Does it reach every service, or stop at a call?"
UNEXPLAINED = "Failed (status 502)? Which span says why?"
DARK = "One trace through every service, and still broken? The trace is whole: read its log lines."
SHARED = "One trace id in several requests? Which span of the first one does the others' work hang from?"
LOOKS = (SPLIT, CUT_SHORT, UNEXPLAINED, DARK, SHARED)
LOOK = {
    ORPHAN_BACKGROUND_TASK.name: SPLIT,
    UNINSTRUMENTED_CLIENT.name: SPLIT,
    STRIP_TRACEPARENT_AT_LB.name: SPLIT,
    KAFKA_CONSUMER_NO_EXTRACT.name: SPLIT,
    PROPAGATOR_NOT_REGISTERED.name: SPLIT,
    SAMPLER_NOT_PARENT_BASED.name: CUT_SHORT,
    SILENT_EXCEPTION_RECOVERY.name: UNEXPLAINED,
    LOGS_WITHOUT_TRACE_ID.name: DARK,
    CONTEXT_LEAK.name: SHARED,
    THREAD_POOL_WITHOUT_CONTEXT.name: SPLIT,
    PROPAGATOR_MISMATCH.name: SPLIT,
    BAGGAGE_OVERFLOW.name: DARK,  # C's lines say the tenant never arrived
}


def workflow(breakers: Iterable[str]) -> tuple[str, ...]:
    """The hints for a mix of these breakers, in the order they are given."""
    wanted = {LOOK[name] for name in breakers}
    return WIRE, " ".join([REQUESTS, *(look for look in LOOKS if look in wanted)]), LOGS, CODE
