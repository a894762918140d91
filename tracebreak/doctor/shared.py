"""Shared traces: one trace holding the spans of several requests, as a long-lived worker leaves it
when it keeps the context of the request that started it (a mega-trace).

Before traces are joined into requests, a shared trace is cut into one piece per request: each span
goes with the request id it carries, or else with its nearest ancestor's, or else with the first
request's (the client's spans above the edge carry none). A piece keeps the trace id, and remembers
how many requests the whole trace holds and where it crosses from one request to another: the span
current when the worker was started, and the worker's span for another request below it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from tracebreak.traces.model import Span, Trace


@dataclass(frozen=True)
class Piece(Trace):
    """One request's spans in a trace it shares with other requests."""

    held: int = 0  # the requests the whole trace holds
    crossings: tuple[tuple[Span, Span], ...] = ()  # (parent, child) pairs owned by different requests

    def crossed_in(self, span: Span) -> bool:
        """A span whose parent belongs to another request's piece of the same trace."""
        return any(child is span for _, child in self.crossings)


def cut(trace: Trace, ids: Callable[[Span], set[str]]) -> list[Trace]:
    """The trace itself where its spans carry at most one request id; else one piece per request."""
    carried = {span.span_id: min(found) for span in trace.spans if (found := ids(span))}
    requests = sorted(set(carried.values()))
    if len(requests) < 2:
        return [trace]
    owner = _owners(trace, carried)
    crossings = tuple(
        (trace.by_id[span.parent_id], span)
        for span in trace.spans
        if span.parent_id in trace.by_id and owner[span.parent_id] != owner[span.span_id]
    )
    pieces = []
    for request_id in requests:
        spans = [span for span in trace.spans if owner[span.span_id] == request_id]
        mine = tuple(pair for pair in crossings if request_id in (owner[p.span_id] for p in pair))
        pieces.append(Piece(trace.trace_id, spans, held=len(requests), crossings=mine))
    return pieces


def _owners(trace: Trace, carried: dict[str, str]) -> dict[str, str]:
    """The request each span belongs to: its own id, its nearest ancestor's, or the first request's."""
    first = carried[next(span.span_id for span in trace.spans if span.span_id in carried)]
    owner: dict[str, str] = {}
    for span in trace.spans:
        up = next((a.span_id for a in trace.ancestors(span) if a.span_id in carried), None)
        owner[span.span_id] = carried.get(span.span_id) or (carried[up] if up else first)
    return owner
