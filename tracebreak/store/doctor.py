"""The doctor over the store's own database (`GET /api/doctor`): the window's traces built straight
from its rows, with no Jaeger JSON in between, and judged by the same code as `tracebreak doctor`."""

import contextlib
import gc
import json
import sqlite3
import time
from collections.abc import Iterator
from typing import Any

from tracebreak.doctor.collect import Collected, join, traced_names
from tracebreak.doctor.report import verdict
from tracebreak.store import jaeger
from tracebreak.store.database import Reader
from tracebreak.traces.model import Span, Trace, events_of, links_of


def judge(
    reader: Reader, start_us: int, end_us: int, settle_us: int, source: str, began: float = float("-inf")
) -> dict[str, Any]:
    """What `tracebreak doctor --json` prints for the window; requests with spans younger than
    `settle_us` (from now) are still arriving, and counted as pending; with `began`, only the
    requests that began then or later."""
    started = time.monotonic()
    with no_cycle_collection():
        collected = collect(reader, start_us, end_us, settle_us).began_within(began)
        return verdict(collected, source, time.monotonic() - started)


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Building a window's spans makes hundreds of thousands of small objects and no garbage cycles,
    yet sets off Python's cycle collector over and over (a quarter of the time, measured): it waits
    until the verdict is made. Reference counting still frees everything as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def collect(reader: Reader, start_us: int, end_us: int, settle_us: int) -> Collected:
    """The window's traces and log records, joined into requests, as the doctor's `collect` does
    through Jaeger's API."""
    operations = {
        service: [name for name, kind in reader.operations(service) if kind == "server"]
        for service in reader.services()
    }
    logs = jaeger.log_records(reader.logs_between(start_us, end_us))
    traces = traces_of(reader.window_spans(start_us, end_us))
    return join(traces, settle_us, time.time_ns() // 1000, logs, *traced_names(operations))


def traces_of(rows: list[sqlite3.Row]) -> list[Trace]:
    """Traces from span rows (Reader.window_spans), their spans in order of start (and of arrival among
    equals) as `/api/traces` gives them. Every row's tags are decoded in one pass over the window: one
    JSON document, not one per span."""
    all_tags = json.loads("[" + ",".join(row["tags"] for row in rows) + "]")
    by_trace: dict[str, list[tuple[int, int, Span]]] = {}
    for row, tags in zip(rows, all_tags, strict=True):
        span = span_of(row, tags)
        by_trace.setdefault(span.trace_id, []).append((span.start_us, row["id"], span))
    return [Trace(trace_id, [span for *_, span in sorted(found)]) for trace_id, found in by_trace.items()]


def span_of(row: sqlite3.Row, tags: dict[str, Any]) -> Span:
    # No resource: the store's own verdict judges every trace, and a doctor narrowed to a resource
    # reads through the store's /api instead (traces/sources/narrowed.py).
    logs, refs = row["logs"], row["refs"]
    return Span(
        trace_id=row["trace_id"],
        span_id=row["span_id"],
        parent_id=row["parent_span_id"] or None,
        service=row["service"],
        operation=row["operation"],
        kind=str(tags.get("span.kind", "internal")),
        start_us=row["start_us"],
        duration_us=row["duration_us"],
        tags=tags,
        events=events_of(json.loads(logs)) if logs != "[]" else [],
        links=links_of(json.loads(refs)) if "FOLLOWS_FROM" in refs else (),
    )
