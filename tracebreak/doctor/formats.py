"""Propagators that share no header: the sender wrote its context in a format the receiver never
reads. Every inbound span records the headers its service's propagators read and write (in its
attribute `tracebreak.propagation.fields`, set in tracebreak/runtime/boundary.py), so the traces say
which format each side speaks."""

from tracebreak.doctor.request import Request
from tracebreak.span_attributes import FIELDS_ATTRIBUTE


def spoken(request: Request, service: str) -> frozenset[str] | None:
    """The headers the service's propagators handle, as its inbound spans in the request recorded
    them; None where none of its spans says (a service outside tracebreak, a span from before)."""
    for span in request.spans:
        if span.service == service and FIELDS_ATTRIBUTE in span.tags:
            return frozenset(filter(None, str(span.tags[FIELDS_ATTRIBUTE]).split(",")))
    return None


def mismatched(request: Request, sender: str, receiver: str) -> dict[str, list[str]] | None:
    """Each side's headers where both propagate something and nothing the sender writes is read by
    the receiver; None where they share a header or one side is unknown or silent."""
    sent, read = spoken(request, sender), spoken(request, receiver)
    if not sent or not read or sent & read:
        return None
    return {sender: sorted(sent), receiver: sorted(read)}
