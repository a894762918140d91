"""The doctor's trace sources: OTLP JSON-lines files, Jaeger v2's /api/v3 and Tempo, each read from
documents in the exact shape the backend answers, to the same spans."""

import base64
import json
from pathlib import Path

import httpx
import pytest

from tests.support.otlp_documents import CHILD, ROOT, START_NS, TRACE, hex_document, mock, otlp_document
from tracebreak.doctor.collect import collect
from tracebreak.traces.query import QueryError, TraceQuery
from tracebreak.traces.sources import open_source
from tracebreak.traces.sources.jaeger_v3 import JaegerV3, rfc3339
from tracebreak.traces.sources.otlp_files import OtlpFiles
from tracebreak.traces.sources.spans import ShapeError, traces_of
from tracebreak.traces.sources.tempo import Tempo


def b64(hex_id: str) -> str:
    return base64.b64encode(bytes.fromhex(hex_id)).decode()


def assert_the_two_spans(spans: list) -> None:
    assert [(s.trace_id, s.span_id, s.parent_id, s.kind) for s in spans] == [
        (TRACE, ROOT, None, "server"),
        (TRACE, CHILD, ROOT, "client"),
    ]
    assert spans[0].tags["guid:x-request-id"] == "req-1"
    assert spans[0].start_us == START_NS // 1000


def test_an_otlp_file_gives_every_id_exactly(tmp_path: Path) -> None:
    file = tmp_path / "traces.jsonl"
    file.write_text(json.dumps(hex_document()) + "\n")
    [trace] = OtlpFiles(file).window(0, 2**62)
    assert trace.trace_id == TRACE
    assert_the_two_spans(trace.spans)


def test_a_folder_joins_a_trace_written_over_several_files(tmp_path: Path) -> None:
    whole = hex_document()
    first, second = json.loads(json.dumps(whole)), json.loads(json.dumps(whole))
    first["resourceSpans"][0]["scopeSpans"][0]["spans"].pop(1)
    second["resourceSpans"][0]["scopeSpans"][0]["spans"].pop(0)
    (tmp_path / "a.json").write_text(json.dumps(first) + "\n\n")
    (tmp_path / "b.jsonl").write_text(json.dumps(second) + "\n")
    (tmp_path / "notes.txt").write_text("not traces")
    source = open_source(str(tmp_path))
    [trace] = source.window(0, 2**62)
    assert_the_two_spans(trace.spans)
    assert source.services() == ["service-a"]
    assert source.operations("service-a", "server") == ["GET /orders/{order_id}"]


def test_a_window_leaves_out_traces_that_began_outside_it(tmp_path: Path) -> None:
    file = tmp_path / "traces.json"
    file.write_text(json.dumps(hex_document()))
    assert OtlpFiles(file).window(START_NS // 1000 + 10_000, 2**62) == []


def test_a_malformed_line_is_named_by_file_and_line(tmp_path: Path) -> None:
    file = tmp_path / "traces.jsonl"
    file.write_text(json.dumps(hex_document()) + "\n{not json\n")
    with pytest.raises(ShapeError, match=r"traces\.jsonl:2: expected one OTLP JSON document"):
        OtlpFiles(file).window(0, 2**62)


def test_a_base64_id_in_an_otlp_file_is_refused_not_misread(tmp_path: Path) -> None:
    file = tmp_path / "traces.jsonl"
    file.write_text(json.dumps(otlp_document(b64(TRACE), b64(ROOT), b64(CHILD), 2, 3)) + "\n")
    with pytest.raises(ShapeError, match=r":1: .*traceId .* is not hex"):
        OtlpFiles(file).window(0, 2**62)


def test_a_missing_path_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ShapeError, match="no such file or folder of OTLP JSON lines"):
        open_source(str(tmp_path / "absent"))


def test_tempo_reads_base64_ids_and_enum_names() -> None:
    document = otlp_document(b64(TRACE), b64(ROOT), b64(CHILD), "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT")
    seen: list[httpx.Request] = []
    http = mock(
        {
            "/api/search": httpx.Response(200, json={"traces": [{"traceID": TRACE, "rootServiceName": "a"}]}),
            f"/api/v2/traces/{TRACE}": httpx.Response(200, json={"trace": document}),
        },
        seen,
    )
    source = Tempo("http://tempo", http=http)
    [trace] = source.window(1_500_000, 2_500_001)
    assert_the_two_spans(trace.spans)
    search = seen[0].url.params
    assert (search["q"], search["start"], search["end"], search["spss"]) == ("{ }", "1", "3", "1")
    assert source.services() == ["service-a"]


def test_tempo_keeps_no_logs_nor_verdict_and_closes_its_client() -> None:
    http = mock({})
    source = Tempo("http://tempo/", http=http)
    assert (source.base_url, source.services(), source.logs(), source.judged({})) == (
        "http://tempo",
        [],
        None,
        None,
    )
    source.close()
    assert http.is_closed


def test_tempo_answering_something_else_is_one_line_naming_the_shape() -> None:
    http = mock({"/api/search": httpx.Response(200, json={"data": []})})
    with pytest.raises(QueryError, match=r'did not answer as Tempo does: expected \{"traces"'):
        Tempo("http://tempo", http=http).window(0, 1)


def test_a_page_that_is_not_an_api_is_named_in_one_line() -> None:
    page = "<!DOCTYPE HTML>\n<html>\n<body>\n<p>Error code: 404</p>\n</body>\n</html>\n"
    http = mock({"/api/v3/services": httpx.Response(502, text=page)})
    with pytest.raises(QueryError) as raised:
        JaegerV3("http://jaeger", http=http).services()
    assert "\n" not in str(raised.value) and "answered 502: <!DOCTYPE HTML> <html>" in str(raised.value)


def test_tempo_skips_a_trace_gone_since_the_search() -> None:
    http = mock({"/api/search": httpx.Response(200, json={"traces": [{"traceID": TRACE}]})})
    assert Tempo("http://tempo", http=http).window(0, 1) == []


def jaeger_v3(seen: list[httpx.Request]) -> JaegerV3:
    chunk = json.dumps({"result": hex_document()})
    http = mock(
        {
            "/api/v3/services": httpx.Response(200, json={"services": ["service-a"]}),
            "/api/v3/operations": httpx.Response(
                200, json={"operations": [{"name": "GET /orders/{order_id}", "spanKind": "server"}]}
            ),
            "/api/v3/traces": httpx.Response(200, text=chunk + "\n" + chunk + "\n"),
        },
        seen,
    )
    return JaegerV3("http://jaeger", http=http)


def test_jaeger_v3_reads_a_stream_of_result_chunks_in_the_window_each_span_once() -> None:
    seen: list[httpx.Request] = []
    [trace] = jaeger_v3(seen).window(1_700_000_000_000_000, 1_700_000_000_500_000)
    assert_the_two_spans(trace.spans)
    search = next(r for r in seen if r.url.path == "/api/v3/traces").url.params
    assert search["query.service_name"] == "service-a"
    assert search["query.start_time_min"] == "2023-11-14T22:13:20Z"
    assert search["query.start_time_max"] == "2023-11-14T22:13:20.500000Z"


def test_jaeger_v3_reads_operations_and_a_search_that_finds_nothing() -> None:
    source = jaeger_v3([])
    assert source.operations("service-a", "server") == ["GET /orders/{order_id}"]
    assert source.trace(TRACE) is None  # the mock answers 404, as Jaeger does for no trace


def test_jaeger_v3_answering_v1_json_is_one_line_naming_the_shape() -> None:
    http = mock({"/api/v3/services": httpx.Response(200, json={"data": ["service-a"]})})
    with pytest.raises(QueryError, match=r'did not answer as Jaeger\'s /api/v3 does: expected \{"services"'):
        JaegerV3("http://jaeger", http=http).services()


def test_a_stated_kind_is_taken_without_probing() -> None:
    assert isinstance(open_source("jaeger-v3+http://127.0.0.1:9"), JaegerV3)
    assert isinstance(open_source("tempo+http://127.0.0.1:9"), Tempo)


def test_an_unreachable_bare_url_is_one_line() -> None:
    with pytest.raises(QueryError, match=r"cannot reach http://127\.0\.0\.1:9"):
        open_source("http://127.0.0.1:9", timeout_s=1)


def test_rfc3339_keeps_the_microsecond() -> None:
    assert rfc3339(1_700_000_000_000_001) == "2023-11-14T22:13:20.000001Z"


def test_the_doctor_collects_a_request_from_a_file(tmp_path: Path) -> None:
    file = tmp_path / "traces.jsonl"
    file.write_text(json.dumps(hex_document()) + "\n")
    collected = collect(open_source(str(file)), 0, 2**62, 0)
    [request] = collected.requests
    assert request.request_id == "req-1"
    assert len(request.traces) == 1


def test_jaeger_v3_answering_ids_that_are_not_hex_is_one_line_naming_the_id() -> None:
    chunk = {"result": otlp_document(b64(TRACE), b64(ROOT), b64(CHILD), 2, 3)}
    http = mock({f"/api/v3/traces/{TRACE}": httpx.Response(200, json=chunk)})
    with pytest.raises(QueryError) as raised:
        JaegerV3("http://jaeger", http=http).trace(TRACE)
    said = str(raised.value)
    assert "did not answer as Jaeger's /api/v3 does" in said and "is not hex" in said and "\n" not in said


def test_the_doctor_asks_a_jaeger_v3_for_its_services_once_a_run() -> None:
    seen: list[httpx.Request] = []
    source = jaeger_v3(seen)
    [request] = collect(source, 1_700_000_000_000_000, 1_700_000_000_500_000, 0).requests
    assert request.traced_routes == {"service-a": frozenset({"GET /orders/{order_id}"})}
    assert [r.url.path for r in seen].count("/api/v3/services") == 1
    assert source.services() == ["service-a"]  # asked again: no window read just before
    assert [r.url.path for r in seen].count("/api/v3/services") == 2


def test_the_doctor_asks_jaeger_for_its_services_once_a_run() -> None:
    span = {
        "traceID": TRACE,
        "spanID": ROOT,
        "processID": "p1",
        "operationName": "GET /orders/{order_id}",
        "startTime": START_NS // 1000,
        "duration": 1000,
        "tags": [{"key": "span.kind", "value": "server"}, {"key": "guid:x-request-id", "value": "req-1"}],
    }
    document = {"traceID": TRACE, "spans": [span], "processes": {"p1": {"serviceName": "service-a"}}}
    seen: list[httpx.Request] = []
    answers = {
        "/api/services": httpx.Response(200, json={"data": ["service-a"]}),
        "/api/operations": httpx.Response(200, json={"data": [{"name": "GET /orders/{order_id}"}]}),
        "/api/traces": httpx.Response(200, json={"data": [document]}),
    }
    source = TraceQuery("http://jaeger", http=mock(answers, seen))
    [request] = collect(source, 0, 2**62, 0).requests
    assert request.traced_routes == {"service-a": frozenset({"GET /orders/{order_id}"})}
    assert [r.url.path for r in seen].count("/api/services") == 1
    assert source.services() == ["service-a"]
    assert [r.url.path for r in seen].count("/api/services") == 2


def test_jaeger_v3_decodes_each_span_once_however_many_services_answer_its_trace(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tracebreak.traces.sources.jaeger_v3 as jaeger_v3_source

    later = hex_document()
    late_span = dict(later["resourceSpans"][0]["scopeSpans"][0]["spans"][1], spanId="eee19b7ec3c1b172")
    later["resourceSpans"][0]["scopeSpans"][0]["spans"].append(late_span)  # arrived between the searches
    by_service = {"service-a": hex_document(), "service-b": later, "service-c": hex_document()}

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v3/services":
            return httpx.Response(200, json={"services": list(by_service)})
        return httpx.Response(200, json={"result": by_service[request.url.params["query.service_name"]]})

    decoded: list[int] = []

    def counted(document: dict, hex_ids: bool = True) -> list:
        traces = traces_of(document, hex_ids)
        decoded.append(sum(len(t.spans) for t in traces))
        return traces

    monkeypatch.setattr(jaeger_v3_source, "traces_of", counted)
    source = JaegerV3("http://jaeger", http=httpx.Client(transport=httpx.MockTransport(handle)))
    [trace] = source.window(1_700_000_000_000_000, 1_700_000_000_500_000)
    assert decoded == [2, 1, 0]
    assert [s.span_id for s in trace.spans] == [ROOT, CHILD, "eee19b7ec3c1b172"]


def test_jaeger_v3_joins_a_trace_streamed_in_several_chunks() -> None:
    document = hex_document()
    spans = document["resourceSpans"][0]["scopeSpans"][0]["spans"]
    chunks = []
    for span in spans:  # one span a chunk, as Jaeger streams a long trace
        part = json.loads(json.dumps(document))
        part["resourceSpans"][0]["scopeSpans"][0]["spans"] = [span]
        chunks.append(json.dumps({"result": part}))
    http = mock({f"/api/v3/traces/{TRACE}": httpx.Response(200, text="\n".join(chunks) + "\n")})
    trace = JaegerV3("http://jaeger", http=http).trace(TRACE)
    assert trace is not None
    assert_the_two_spans(trace.spans)
