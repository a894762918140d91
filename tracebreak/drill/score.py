"""Hints along the article's workflow, and the score of an answer."""

from typing import Any

from tracebreak.chaos.catalogue import Toggle
from tracebreak.chaos.setting import SERVICE

# The article's workflow, one step a hint; the doctor last: it names the answer, so it caps the score.
HINTS = (
    "Trust the wire: `tracebreak wire` sends one request and decodes each hop. Is a traceparent on "
    "every hop? Is it the same trace id on every hop, and where does it change?",
    "Spot the fragments: the web view's requests (http://127.0.0.1:16686/) list each request with its "
    "number of traces. Open one with more than one: where does the second trace begin?",
    "Pivot through the logs: take a request's trace_id and find its lines (the request's page, or "
    "`grep TRACE_ID .tracebreak/logs/*.log`). Whose lines are missing, or carry no trace_id?",
    "Find the boundary in the code: `tracebreak lint services tracebreak/runtime "
    "envoy/envoy.template.yaml` lists every place where context can be lost. Which one sits on the "
    "boundary you found?",
)
DOCTOR = (
    "The doctor speaks now: `tracebreak doctor --since 5m` (and the web view's verdicts). Your score "
    "for what you have not found yet is capped at half."
)
FOUND, BOUNDARY, PER_HINT, FLOOR, CAP = 70, 30, 10, 20, 50


def expected_boundary(toggle: Toggle, value: Any) -> str:
    """The boundary an answer names: `from->to`, or the one service (the one a service toggle chose)."""
    if toggle.setting is SERVICE:
        return str(value)
    return toggle.boundary.split(" (")[0].replace(" ", "")


def points(boundary_right: bool | None, hints: int, doctor: bool) -> int:
    found = FOUND + (BOUNDARY if boundary_right else 0)
    scored = max(FLOOR, found - PER_HINT * hints)
    return min(scored, CAP) if doctor else scored


def total(answers: list[dict[str, Any]], breakers: int) -> int:
    """Out of 100: the right answers' points over what finding every breaker, unaided, would earn."""
    earned = sum(a["points"] for a in answers if a["right"])
    return round(100 * earned / ((FOUND + BOUNDARY) * breakers)) if breakers else 0
