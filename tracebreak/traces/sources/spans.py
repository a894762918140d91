"""OTLP documents into the doctor's traces: the decoder the store ingests with (tracebreak/traces/otlp.py)
reads the document, and each of its rows becomes a Span here, for every source that answers OTLP."""

from typing import Any

from tracebreak.traces.model import Span, Trace, events_of, links_of, tags_of
from tracebreak.traces.otlp import SpanRow, decode_traces_document


class ShapeError(ValueError):
    """A document is not the OTLP JSON a source was expected to answer; the message says what was."""


def traces_of(document: Any, hex_ids: bool = True) -> list[Trace]:
    """The traces in one OTLP JSON document (`{"resourceSpans": …}`), hex ids or base64 ones. A document
    that is not OTLP is the decoder's PayloadError (a ValueError): each source names where it read it."""
    return grouped(span_of(row) for row in decode_traces_document(document, hex_ids))


def span_of(row: SpanRow) -> Span:
    tags = tags_of(row.tags)
    return Span(
        trace_id=row.trace_id,
        span_id=row.span_id,
        parent_id=row.parent_span_id or None,
        service=row.service,
        operation=row.operation,
        kind=str(tags.get("span.kind", "internal")),
        start_us=row.start_us,
        duration_us=row.duration_us,
        tags=tags,
        events=events_of(row.logs),
        links=links_of(row.references),
        resource=tags_of(row.process_tags),
    )


def grouped(spans: Any) -> list[Trace]:
    """Spans into traces by their trace id, each trace's spans in order of start."""
    by_trace: dict[str, list[Span]] = {}
    for span in spans:
        by_trace.setdefault(span.trace_id, []).append(span)
    return [Trace(trace_id, sorted(found, key=lambda s: s.start_us)) for trace_id, found in by_trace.items()]


def merged(traces: list[Trace]) -> list[Trace]:
    """Traces read in parts (a file holds a trace's spans in many lines) or more than once (Jaeger
    answers a trace to each service's search): one trace per id, each span once."""
    spans = {(span.trace_id, span.span_id): span for trace in traces for span in trace.spans}
    return grouped(spans.values())


def in_window(traces: list[Trace], since_us: int, until_us: int) -> list[Trace]:
    """The traces with a span that began in the window."""
    return [t for t in traces if any(since_us <= span.start_us <= until_us for span in t.spans)]
