"""Trace store benchmark: spans ingested per second, and reading one trace and searching by tag
once the store holds many spans. Prints each figure beside its target, as a ratio.

    python -m bench.store [--spans 1000000]
"""

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from bench.table import markdown
from tracebreak.local.parts import trace_store
from tracebreak.runtime.ports import Ports

SPANS_PER_TRACE = 14
BATCH_TRACES = 500  # 7,000 spans a request, as a busy collector would send
TARGET_INGEST = 20_000  # spans per second
TARGET_FETCH_MS = 50


def batch(rng: random.Random, first: int, now_ns: int) -> tuple[bytes, list[str]]:
    request = ExportTraceServiceRequest()
    trace_ids = []
    for n in range(first, first + BATCH_TRACES):
        resource_spans = request.resource_spans.add()
        attribute = resource_spans.resource.attributes.add()
        attribute.key, attribute.value.string_value = "service.name", f"service-{'abc'[n % 3]}"
        spans = resource_spans.scope_spans.add().spans
        trace_id = rng.randbytes(16)
        trace_ids.append(trace_id.hex())
        parent = b""
        for i in range(SPANS_PER_TRACE):
            span = spans.add()
            span.trace_id, span.span_id, span.parent_span_id = trace_id, rng.randbytes(8), parent
            span.name, span.kind = (
                f"operation-{i}",
                Span.SPAN_KIND_SERVER if i == 0 else Span.SPAN_KIND_INTERNAL,
            )
            span.start_time_unix_nano = now_ns + i * 1000
            span.end_time_unix_nano = now_ns + i * 1000 + 500_000
            tag = span.attributes.add()
            tag.key, tag.value.string_value = "request.number", str(n)
            parent = span.span_id
    return request.SerializeToString(), trace_ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spans", type=int, default=1_000_000, help="spans to store (default 1,000,000)")
    args = parser.parse_args()
    ports = Ports.free()
    query = f"http://127.0.0.1:{ports.query}"
    with tempfile.TemporaryDirectory() as data:
        store = trace_store(
            ports,
            Path(data) / "traces.db",
            dict(os.environ),
            Path(data) / "store.log",
            "--max-spans",
            str(args.spans * 2),
        )
        store.start()
        try:
            store.wait_healthy(30)
            _measure(args.spans, f"http://127.0.0.1:{ports.otlp}/v1/traces", query)
        finally:
            store.stop()


def _measure(total_spans: int, otlp: str, query: str) -> None:
    rng = random.Random(1)
    traces = max(1, total_spans // SPANS_PER_TRACE)
    with httpx.Client(timeout=120) as http:
        posted, ingest_s, all_ids = _ingest(http, otlp, rng, traces)
        fetch = _timed(lambda: http.get(f"{query}/api/traces/{rng.choice(all_ids)}").raise_for_status(), 50)

        def search_once() -> None:
            tag = f"request.number:{rng.randrange(traces)}"
            params = {"service": "service-a", "tag": tag, "lookback": "2h", "limit": 20}
            http.get(f"{query}/api/traces", params=params).raise_for_status()

        search = _timed(search_once, 10)
    _report(posted, posted / ingest_s, fetch, search)


def _ingest(http: httpx.Client, otlp: str, rng: random.Random, traces: int) -> tuple[int, float, list[str]]:
    """(spans posted, seconds spent posting, trace ids) for `traces` synthetic traces."""
    now_ns = time.time_ns() - 3_600 * 10**9
    posted, ingest_s, all_ids = 0, 0.0, []
    for first in range(0, traces, BATCH_TRACES):
        body, ids = batch(rng, first, now_ns)
        all_ids += ids
        started = time.perf_counter()
        response = http.post(otlp, content=body, headers={"content-type": "application/x-protobuf"})
        ingest_s += time.perf_counter() - started
        response.raise_for_status()
        posted += len(ids) * SPANS_PER_TRACE
    return posted, ingest_s, all_ids


def _report(posted: int, rate: float, fetch: float, search: float) -> None:
    print(f"trace store, {posted:,} spans stored\n")
    print(
        markdown(
            ["measure", "result", "target", "ratio"],
            [
                (
                    "ingest",
                    f"{rate:,.0f} spans/s",
                    f"{TARGET_INGEST:,} spans/s",
                    f"{rate / TARGET_INGEST:.2f}",
                ),
                (
                    "fetch one trace (median)",
                    f"{fetch:.1f} ms",
                    f"{TARGET_FETCH_MS} ms",
                    f"{fetch / TARGET_FETCH_MS:.2f}",
                ),
                ("search by tag (median)", f"{search:.1f} ms", "none: a scan of one service's spans", ""),
            ],
        )
    )


def _timed(call: Callable[[], object], times: int) -> float:
    durations = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        durations.append((time.perf_counter() - started) * 1000)
    return statistics.median(durations)


if __name__ == "__main__":
    main()
