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
        return [span for span in super().unresolved if not self.crossed_in(span)]


def cut(trace: Trace, carried: dict[str, str]) -> list[Trace]:
    """The trace itself where its spans carry at most one request id (`carried`: span id to the
    request id it carries); else one piece per request, made in one pass over the spans."""
    requests = sorted(set(carried.values()))
    if len(requests) < 2:
        return [trace]
    owner = _owners(trace, carried)
    spans: dict[str, list[Span]] = {request_id: [] for request_id in requests}
    crossed: dict[str, list[tuple[Span, Span]]] = {request_id: [] for request_id in requests}
    for span in trace.spans:
        spans[owner[span.span_id]].append(span)
        parent = trace.by_id.get(span.parent_id or "")
        if parent is not None and owner[parent.span_id] != owner[span.span_id]:
            crossed[owner[parent.span_id]].append((parent, span))
            crossed[owner[span.span_id]].append((parent, span))
    return [
        Piece(trace.trace_id, spans[r], held=len(requests), crossings=tuple(crossed[r])) for r in requests
    ]


def _owners(trace: Trace, carried: dict[str, str]) -> dict[str, str]:
    """The request each span belongs to: its own id, its nearest ancestor's, or the first request's."""
    first = carried[next(span.span_id for span in trace.spans if span.span_id in carried)]
    owner: dict[str, str] = {}
    for span in trace.spans:
        path, current = [], span
        # Up to the first span that carries an id or whose owner is known; every span passed takes it.
        while current.span_id not in owner and current.span_id not in carried:
            path.append(current.span_id)
            parent = trace.by_id.get(current.parent_id or "")
            if parent is None or parent.span_id in path:
                break
            current = parent
        found = owner.get(current.span_id) or carried.get(current.span_id) or first
        for span_id in path:
            owner[span_id] = found
        owner.setdefault(current.span_id, found)
    return owner
