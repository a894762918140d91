"""The doctor's verdict as a test failure: what is wrong with the request, its traces (the fragments)
with their ids, and each finding's signature, boundary, evidence and fix."""

from typing import Any

from tracebreak import signatures as sig
from tracebreak.doctor.request import Request
from tracebreak.join_key import SPAN_KEYS
from tracebreak.terminal import counted, plural
from tracebreak.testing.settle import Found
from tracebreak.testing.target import Target
from tracebreak.traces.model import Span


def failure(found: Found, target: Target, services: frozenset[str], source: str, timeout_s: float) -> str:
    """Why the assertion fails, or "" where it holds."""
    if found.verdict is None:
        return _not_found(target, source, timeout_s)
    problems = [] if found.connected else [f"is not one connected trace: {_traces(found.verdict.request)}"]
    if missing := found.missing(services):
        problems.append(f"has no span of {', '.join(sorted(missing))}")
    if not found.settled:
        problems.append(f"was still receiving spans after {timeout_s:g} s")
    if not problems:
        return ""
    request = found.verdict.request
    # Asked by a trace id, the request it belongs to is named too: its other traces are its fragments.
    joined = (
        f", of request {request.request_id},"
        if request.request_id not in (target.request_id, target.trace_id)
        else ""
    )
    lines = [f"{target}{joined} {'; '.join(problems)} (read from {source})"]
    lines += [f"  trace {trace.trace_id}: {_fragment(trace.spans)}" for trace in request.traces]
    for finding in found.verdict.as_dict()["findings"]:
        lines += _finding(finding)
    return "\n".join(lines)


def _not_found(target: Target, source: str, timeout_s: float) -> str:
    said = f"no span of {target} reached {source} within {timeout_s:g} s"
    if target.request_id:
        return f"{said}: a request is found by the id its spans carry, under {', '.join(SPAN_KEYS)}"
    return said


def _traces(request: Request) -> str:
    services = sorted({span.service for span in request.spans})
    return f"{counted(len(request.traces), 'trace')} across {', '.join(services)}"


def _fragment(spans: list[Span]) -> str:
    """A trace's services, its span count and the span it begins with."""
    services = ", ".join(sorted({span.service for span in spans}))
    first = min(spans, key=lambda span: span.start_us)
    return f"{services}, {counted(len(spans), 'span')}, begins at {first.service} {first.operation!r}"


def _finding(finding: dict[str, Any]) -> list[str]:
    signature = sig.SIGNATURES_BY_NAME[finding["signature"]]
    return [
        f"{signature.name} at {finding['at']}: {signature.meaning}",
        f"  evidence: {_evidence(finding['evidence'])}",
        f"  fix: {finding['fix']}",
    ]


def _evidence(evidence: dict[str, Any]) -> str:
    said: list[str] = []
    if evidence["trace_ids"]:
        said.append(f"{plural(len(evidence['trace_ids']), 'trace')} {', '.join(evidence['trace_ids'])}")
    if evidence["span_ids"]:
        said.append(f"{plural(len(evidence['span_ids']), 'span')} {', '.join(evidence['span_ids'])}")
    if evidence.get("log_lines"):
        said.append(f"{counted(evidence['log_lines'], 'log line')} without trace_id")
    if evidence.get("requests_in_trace"):
        said.append(f"the trace holds {evidence['requests_in_trace']} requests")
    said += [
        f"{service} speaks {', '.join(headers)}"
        for service, headers in evidence.get("propagators", {}).items()
    ]
    if evidence.get("detail"):
        said.append(evidence["detail"])
    return "; ".join(said)
