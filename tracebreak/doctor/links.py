"""Fragments joined by links: a trace started on purpose, that follows from the request's context
(an OpenTelemetry link) instead of continuing it. A consumer that processes a batch of records under
one span, linked to each record's context, leaves one: the messaging conventions' way for batches,
and no break. The doctor joins such a fragment to its request and calls the request whole by link.
"""

from tracebreak.doctor.request import Request
from tracebreak.doctor.shared import Piece
from tracebreak.traces.model import Span, Trace


def linked_top(request: Request, top: Span) -> bool:
    """A fragment's top that follows from a span of the request, or one a span of the request follows from."""
    return any(request.has_span(link) for link in top.links) or any(
        top.span_id in span.links for span in request.spans
    )


def linked_crossing(request: Request, parent: Span, child: Span) -> bool:
    """A crossing in a shared trace made on purpose: a batch's span (one with links) over one
    request's work. The request that owns the batch's span cannot say for the others; the request
    below it is linked where the batch's span follows from one of its spans."""
    if not parent.links:
        return False
    return request.has_span(parent.span_id) or any(request.has_span(link) for link in parent.links)


def joined_by_link(request: Request, trace: Trace) -> bool:
    """A trace of the request that a link joins to it: its top follows from the request, or (a piece
    of a shared trace) a batch's span over it does."""
    crossings = trace.crossings if isinstance(trace, Piece) else ()
    return any(linked_top(request, top) for top in trace.tops) or any(
        linked_crossing(request, parent, child) for parent, child in crossings
    )


def by_link(request: Request) -> bool:
    """Whether a fragment of the request is joined to it by a link rather than by its context."""
    return any(joined_by_link(request, fragment) for fragment in request.fragments)
