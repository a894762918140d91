"""The trace store loses nothing it acknowledged: kill -9 in the middle of ingest, start it again on
the same database, and every batch it answered 200 is there; what it refused while down, the OTLP
exporters' retries bring once it is back."""

import os
import signal
import sqlite3
import threading
import time

import httpx
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from tests.support.synthetic import synthetic_batch
from tracebreak.local.parts import trace_store
from tracebreak.runtime.ports import Ports

BATCH = 50  # requests of the synthetic shape per OTLP request


def ingest(otlp_url: str, acknowledged: list[int], stop: threading.Event) -> None:
    """Post batches until told to stop, noting the first request number of each one answered 200."""
    first, start_ns = 0, time.time_ns() - 60 * 10**9
    with httpx.Client(timeout=5) as http:
        while not stop.is_set():
            body = synthetic_batch(first, BATCH, start_ns)
            try:
                answer = http.post(f"{otlp_url}/v1/traces", content=body,
                                   headers={"content-type": "application/x-protobuf"})  # fmt: skip
            except httpx.HTTPError:
                answer = None
            if answer is not None and answer.status_code == 200:
                acknowledged.append(first)
            first += BATCH


def stored_trace_ids(query_url: str, firsts: list[int]) -> tuple[int, int]:
    """(traces asked for, traces found) for every request of the acknowledged batches."""
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    wanted = set()
    for first in firsts:
        request = ExportTraceServiceRequest.FromString(synthetic_batch(first, BATCH, 0))
        wanted |= {rs.scope_spans[0].spans[0].trace_id.hex() for rs in request.resource_spans}
    found = set()
    ids = sorted(wanted)
    for i in range(0, len(ids), 200):
        answer = httpx.get(
            f"{query_url}/api/traces", params=[("traceID", t) for t in ids[i : i + 200]], timeout=60
        )
        found |= {trace["traceID"] for trace in answer.json()["data"]}
    return len(wanted), len(found & wanted)


def test_acknowledged_batches_survive_a_kill_and_the_exporters_fill_the_gap(tmp_path, caplog):
    ports, db = Ports.free(), tmp_path / "traces.db"
    otlp_url, query_url = f"http://127.0.0.1:{ports.otlp}", f"http://127.0.0.1:{ports.query}"
    first = trace_store(ports, db, dict(os.environ), tmp_path / "store.log")
    first.start()
    first.wait_healthy(30)
    acknowledged: list[int] = []
    stop = threading.Event()
    sender = threading.Thread(target=ingest, args=(otlp_url, acknowledged, stop))
    sender.start()
    deadline = time.monotonic() + 30
    while len(acknowledged) < 20 and time.monotonic() < deadline:
        time.sleep(0.05)  # polling until ingest is well under way
    os.kill(first.popen.pid, signal.SIGKILL)  # type: ignore[union-attr]
    first.popen.wait()  # type: ignore[union-attr]
    stop.set()
    sender.join()
    # While it is down, a real SDK exports spans: refused, then retried with backoff.
    provider = TracerProvider(resource=Resource.create({"service.name": "while-down"}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(f"{otlp_url}/v1/traces", timeout=15),
                                                   schedule_delay_millis=50))  # fmt: skip
    with provider.get_tracer("test").start_as_current_span("written while the store was down") as span:
        late_trace_id = format(span.get_span_context().trace_id, "032x")
    deadline = time.monotonic() + 30
    while "retrying" not in caplog.text and time.monotonic() < deadline:
        time.sleep(0.05)  # polling until the exporter has been refused and is backing off
    assert "retrying" in caplog.text, caplog.text
    second = trace_store(ports, db, dict(os.environ), tmp_path / "store-again.log")
    second.start()
    try:
        second.wait_healthy(30)
        assert provider.force_flush(30_000)
        provider.shutdown()
        asked, found = stored_trace_ids(query_url, acknowledged)
        print(f"{len(acknowledged)} batches acknowledged before the kill: {found} of {asked} traces found")
        assert found == asked > 0
        late = httpx.get(f"{query_url}/api/traces/{late_trace_id}", timeout=10)
        assert late.status_code == 200, "the exporter's retry did not land"
    finally:
        second.stop()
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
