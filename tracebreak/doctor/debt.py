"""The observability debt a window shows: the spans that sit in fragments, stored and paid for, yet
found by no search for the request's own trace id; and, at a stated rate, what they come to a day.

A span's bytes are estimated as OTLP's protobuf encoding would carry it (ids, times, name, every
attribute's key and value, every event), not read from the wire: a source hands the doctor spans, not
the exporter's batches. The article's arithmetic (10,000 requests/s, 8 spans of 2 KB each: 13.8 TB a day)
assumes 2 KB a span; tracebreak's spans are smaller, and the doctor says what it measured.
"""

from typing import Any

from tracebreak.doctor.request import Request
from tracebreak.traces.model import Span

SECONDS_A_DAY = 86_400
FIXED_BYTES = 16 + 8 + 8 + 8 + 8 + 2 + 12  # trace, span and parent ids, start and end, kind, framing
FIELD_BYTES = 4  # a key-value's tag, lengths and value type


def span_bytes(span: Span) -> int:
    attributes = sum(len(key) + len(str(value)) + FIELD_BYTES for key, value in span.tags.items())
    events = sum(len(str(event)) for event in span.events)
    return FIXED_BYTES + len(span.operation) + attributes + events


def fragments(request: Request) -> tuple[int, int]:
    """The spans of the request outside its own trace, and their bytes."""
    spans = [span for trace in request.fragments for span in trace.spans]
    return len(spans), sum(span_bytes(span) for span in spans)


def owed(requests: list[dict[str, Any]]) -> dict[str, Any]:
    """The window's spans in fragments, from the judged requests as JSON (parts judged apart add up)."""
    spans = sum(r.get("spans", 0) for r in requests)
    in_fragments = sum(r.get("fragment_spans", 0) for r in requests)
    return {
        "fragment_spans": in_fragments,
        "fragment_spans_percent": round(100 * in_fragments / spans, 2) if spans else 0.0,
        "fragment_bytes": sum(r.get("fragment_bytes", 0) for r in requests),
    }


def at_rate(totals: dict[str, Any], rps: float) -> dict[str, Any]:
    """What the window's fragments come to a day at `rps` requests a second, as its requests did."""
    seen = totals["requests"]
    per_request_spans = totals["fragment_spans"] / seen if seen else 0.0
    per_request_bytes = totals["fragment_bytes"] / seen if seen else 0.0
    per_day = rps * SECONDS_A_DAY
    return {
        "requests_per_second": rps,
        "fragment_spans_per_day": round(per_request_spans * per_day),
        "fragment_bytes_per_day": round(per_request_bytes * per_day),
        "fragments_per_day": round(max(totals["fragments_per_request"] - 1, 0) * per_day),
    }


def in_bytes(count: float) -> str:
    """`812 B`, `9.1 kB`, `55.2 GB`: decimal units, as storage is billed."""
    units, step = ("B", "kB", "MB", "GB", "TB", "PB"), 0
    while count >= 1000 and step < len(units) - 1:
        count, step = count / 1000, step + 1
    return f"{count:.0f} B" if step == 0 else f"{count:.1f} {units[step]}"


def said(totals: dict[str, Any]) -> str | None:
    """The debt in one line for the terminal; None where no span sits in a fragment."""
    if not totals["fragment_spans"]:
        return None
    line = (
        f"debt: {totals['fragment_spans']} spans ({totals['fragment_spans_percent']}% of the requests') sit "
        f"in fragments, {in_bytes(totals['fragment_bytes'])}: no search by a request's trace id finds them"
    )
    if day := totals.get("at_rate"):
        line += (
            f"; at {day['requests_per_second']:g} requests/s that is {day['fragment_spans_per_day']:,} "
            f"spans, {in_bytes(day['fragment_bytes_per_day'])} and {day['fragments_per_day']:,} extra "
            "traces a day"
        )
    return line
