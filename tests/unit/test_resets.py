"""`tracebreak chaos reset` records its moment beside the flag file; `doctor --since reset` judges
the requests that began after it, each read whole, so one in flight at the reset is left out."""

import re
import time

import pytest
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from starlette.testclient import TestClient

from tests.support.cli import tracebreak_with_flags
from tests.support.spans import otlp_protobuf
from tracebreak import resets
from tracebreak.chaos import command as chaos_command
from tracebreak.doctor import report
from tracebreak.doctor.collect import FRAGMENT_SPREAD_US
from tracebreak.store.database import Database, read_only
from tracebreak.store.ingest import ingest_app
from tracebreak.store.judges import Judges
from tracebreak.store.query import query_app
from tracebreak.traces.otlp import PROTOBUF
from tracebreak.traces.query import TraceQuery

NO_ENVOY = "http://127.0.0.1:9"
SECOND_US = 1_000_000


def test_the_reset_records_its_moment_and_since_reset_starts_the_window_before_it(tmp_path):
    before_us = time.time_ns() // 1000
    chaos_command.reset_all(tmp_path / "flags.json", NO_ENVOY)
    moment_us = resets.last(tmp_path)
    assert before_us <= moment_us <= time.time_ns() // 1000
    now_us = moment_us + 5 * SECOND_US
    assert report.window_start("reset", tmp_path, now_us) == (moment_us - FRAGMENT_SPREAD_US, moment_us)
    assert report.window_start("1m", tmp_path, now_us) == (now_us - 60 * SECOND_US, None)


def test_the_reset_command_says_from_when_the_doctor_judges(tmp_path):
    said = tracebreak_with_flags(tmp_path / "flags.json", "chaos", "--envoy-admin", NO_ENVOY, "reset")
    assert said.returncode == 0, said.stderr
    stamp = re.search(r"clean from (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d): (.*)", said.stdout)
    assert stamp, said.stdout
    assert stamp[1] == resets.clock(resets.last(tmp_path))
    assert stamp[2] == "`tracebreak doctor --since reset` judges only the requests sent from now on"


@pytest.mark.parametrize(
    ("written", "said"),
    [(None, "no reset recorded"), ("{not json", "holds no reset moment"), ('{"reset_us": "x"}', "holds no")],
)
def test_since_reset_with_no_usable_reset_is_one_clear_line(tmp_path, written, said):
    if written is not None:
        (tmp_path / resets.RESET).write_text(written)
    result = tracebreak_with_flags(
        tmp_path / "flags.json", "doctor", "--since", "reset", "--source", NO_ENVOY
    )
    assert result.returncode == 2 and said in result.stderr and "Traceback" not in result.stderr
    assert "tracebreak chaos reset" in result.stderr


def test_a_bad_since_names_reset_among_what_it_takes(tmp_path):
    result = tracebreak_with_flags(
        tmp_path / "flags.json", "doctor", "--since", "a while", "--source", NO_ENVOY
    )
    assert result.returncode == 2 and "--since" in result.stderr and "or reset" in result.stderr


def spans_at(request_id: str, start_us: int, ghost_at_us: int | None = None) -> list:
    """A request's server span a second long from `start_us`; a ghost span of its own trace, carrying
    the request id, at `ghost_at_us` (a fragment that begins after the request did)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": "service-a"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("tests")
    server = tracer.start_span("GET /orders/{order_id}", kind=SpanKind.SERVER, start_time=start_us * 1000)
    server.set_attribute("http.request.header.x-request-id", request_id)
    server.end(end_time=(start_us + SECOND_US) * 1000)
    if ghost_at_us is not None:
        ghost = tracer.start_span("audit order", trace.Context(), start_time=ghost_at_us * 1000)
        ghost.set_attribute("http.request.header.x-request-id", request_id)
        ghost.end(end_time=(ghost_at_us + 1000) * 1000)
    provider.shutdown()
    return list(exporter.get_finished_spans())


@pytest.fixture
def reset_between(tmp_path):
    """A store holding a request in flight at a reset 30 s ago (begun 2 s before it, its ghost span
    0.5 s after it) and one begun a second after the reset; the reset's moment."""
    database = Database(tmp_path / "traces.db")
    reset_us = time.time_ns() // 1000 - 30 * SECOND_US
    ingest = TestClient(ingest_app(database))
    for spans in (spans_at("in-flight", reset_us - 2 * SECOND_US, reset_us + SECOND_US // 2),
                  spans_at("after", reset_us + SECOND_US)):  # fmt: skip
        sent = ingest.post("/v1/traces", content=otlp_protobuf(spans), headers={"content-type": PROTOBUF})
        assert sent.status_code == 200
    yield database, reset_us
    database.close()


def judged_ids(app, since_us: int, began_us: int | None) -> list[str]:
    query = TraceQuery("http://testserver", http=TestClient(app))
    found = report.judge(query, since_us, time.time_ns() // 1000, 0, began_us)
    return [r["request_id"] for r in found["requests"]]


def test_a_request_in_flight_at_the_reset_is_left_out_in_the_store_and_through_jaeger(reset_between):
    database, reset_us = reset_between
    since_us = reset_us - FRAGMENT_SPREAD_US
    assert judged_ids(query_app(database), since_us, reset_us) == ["after"]
    jaeger = query_app(database)  # the store as a real Jaeger has it: no /api/doctor, judged here
    jaeger.router.routes = [route for route in jaeger.router.routes if route.path != "/api/doctor"]
    assert judged_ids(jaeger, since_us, reset_us) == ["after"]
    # A window that merely starts at the reset sees the in-flight request by its late fragment alone.
    assert judged_ids(query_app(database), reset_us, None) == ["in-flight", "after"]


def test_judged_in_slices_the_requests_begun_before_the_reset_are_left_out_too(reset_between):
    database, reset_us = reset_between
    judges = Judges(database.path, workers=2, split_at=0)  # split however short the window
    reader = read_only(database.path)
    try:
        found = judges.judge(
            reader, reset_us - FRAGMENT_SPREAD_US, time.time_ns() // 1000, 0, "here", reset_us
        )
    finally:
        judges.close()
        reader.close()
    assert [r["request_id"] for r in found["requests"]] == ["after"]
