"""The checks that need no join: what a window's traces show of lost context whatever its requests
are, so they run where no span carries a request id at all. Two are the Instrumentation Score's:
SPA-002 (traces hold no orphan spans: every parent id names a span of the trace) and SPA-004 (no
root span is a CLIENT span). Two are the article's: a SERVER or CONSUMER span whose remote parent
never arrived, and a root in a service that only ever serves calls (step 2: a callee that starts
traces has lost its callers' context). A root begun on purpose, linked to the work it follows from,
is no root of lost context."""

from typing import Any

from tracebreak.traces.model import Span, Trace

CHECKS = {
    "SPA-002": "orphan spans: a parent id that names no span of the trace",
    "SPA-004": "CLIENT spans at the root of a trace",
    "remote-parent-missing": "SERVER or CONSUMER spans whose remote parent never arrived",
    "callee-roots": "roots in services that otherwise serve calls: a callee that starts traces",
}
SHOWN_IDS = 20  # span ids listed per check; the count is whole


def found(traces: list[Trace]) -> dict[str, list[str]]:
    """Each check's span ids over the window's traces (whole traces, not cut per request)."""
    orphans = [span for trace in traces for span in trace.unresolved]
    roots = [span for trace in traces for span in trace.roots if not _on_purpose(trace, span)]
    callees = callee_services(traces)
    return {
        "SPA-002": _ids(orphans),
        "SPA-004": _ids(s for s in roots if s.kind == "client"),
        "remote-parent-missing": _ids(s for s in orphans if s.kind in ("server", "consumer")),
        "callee-roots": _ids(s for s in roots if s.kind in ("server", "consumer") and s.service in callees),
    }


def _on_purpose(trace: Trace, root: Span) -> bool:
    """A root begun on purpose: it, or a span right below it, follows from others by links (a batch's
    processing; a consumer library's poll over the records it fetched)."""
    return bool(root.links) or any(child.links for child in trace.children(root))


def callee_services(traces: list[Trace]) -> set[str]:
    """The services with a SERVER or CONSUMER span under another service's span somewhere."""
    return {
        span.service
        for trace in traces
        for span in trace.spans
        if span.kind in ("server", "consumer")
        and (parent := trace.by_id.get(span.parent_id or "")) is not None
        and parent.service != span.service
    }


def _ids(spans: Any) -> list[str]:
    return [span.span_id for span in spans]


def summed(parts: list[dict[str, list[str]]]) -> dict[str, dict[str, Any]]:
    """The checks of parts of a window judged apart, as the totals give them: a count and some ids."""
    merged = {name: [i for part in parts for i in part.get(name, [])] for name in CHECKS}
    return {
        name: {"count": len(ids), "span_ids": ids[:SHOWN_IDS], "meaning": CHECKS[name]}
        for name, ids in merged.items()
    }
