"""Shared traces: one trace holding the spans of several requests, as a long-lived worker leaves it
when it keeps the context of the request that started it (a mega-trace).

Before traces are joined into requests, a shared trace is cut into one piece per request: each span
goes with the request id it carries, or else with its nearest ancestor's, or else with the first
request's (the client's spans above the edge carry none). A piece keeps the trace id, and remembers
how many requests the whole trace holds and where it crosses from one request to another: the span
current when the worker was started, and the worker's span for another request below it. A span
crossed into began in the trace, not without a context: it is no top of its piece.

A batch's span over the work of several requests crosses too, on purpose: it follows from each
request by a link (links.py tells the two apart).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from tracebreak.traces.model import Span, Trace


@dataclass(frozen=True)
class Piece(Trace):
    """One request's spans in a trace it shares with other requests."""

    held: int = 0  # the requests the whole trace holds
    crossings: tuple[tuple[Span, Span], ...] = ()  # (parent, child) pairs owned by different requests

    @cached_property
    def _crossed_into(self) -> frozenset[str]:
        return frozenset(child.span_id for _, child in self.crossings)

    def crossed_in(self, span: Span) -> bool:
        """A span whose parent belongs to another request's piece of the same trace."""
        return span.span_id in self._crossed_into

    @cached_property
    def tops(self) -> list[Span]:
        """Where the piece's trees start without a context: its roots, and the spans whose parent never
        arrived; not the spans crossed into, whose parent is in the trace."""
        return [s for s in self.spans if s.parent_id not in self.by_id and not self.crossed_in(s)]

    @property
    def unresolved(self) -> list[Span]:
        return [
            s
            for s in self.spans
            if s.parent_id is not None and s.parent_id not in self.by_id and not self.crossed_in(s)
        ]


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
