"""One trainee's traces out of a shared backend (`tracebreak doctor --resource KEY=VALUE`): each source
is asked for that resource in its own search language, and what it answers is checked again."""

import json
from pathlib import Path

import httpx
import pytest

from tests.support.otlp_documents import CHILD, ROOT, hex_document, mock, otlp_document
from tracebreak.doctor.collect import collect
from tracebreak.traces.model import Trace
from tracebreak.traces.query import TraceQuery
from tracebreak.traces.sources import open_source
from tracebreak.traces.sources.jaeger_v3 import JaegerV3
from tracebreak.traces.sources.narrowed import Narrowed, narrowed, resource_filter
from tracebreak.traces.sources.tempo import Tempo, traceql

KEY = "k8s.namespace.name"
WANTED = {KEY: "trainee-07"}


def in_namespace(namespace: str, trace_id: str, request_id: str) -> dict:
    """The test documents' two spans, in another trace, with the namespace on their resource."""
    return otlp_document(trace_id, ROOT, CHILD, 2, 3, request_id=request_id, resource={KEY: namespace})


def test_pairs_are_read_from_repeated_and_comma_separated_flags() -> None:
    assert resource_filter(None) == {}
    assert resource_filter([f"{KEY}=trainee-07, team = a", "x=1"]) == {
        KEY: "trainee-07",
        "team": "a",
        "x": "1",
    }
    for bad in ("trainee-07", "=trainee-07"):
        with pytest.raises(ValueError, match="--resource takes KEY=VALUE"):
            resource_filter([bad])


def test_an_otlp_file_keeps_the_namespaces_traces_only(tmp_path: Path) -> None:
    file = tmp_path / "room.jsonl"
    lines = [
        in_namespace("trainee-07", "1" * 32, "mine"),
        in_namespace("trainee-08", "2" * 32, "theirs"),
        hex_document(),  # no namespace at all
    ]
    file.write_text("".join(json.dumps(line) + "\n" for line in lines))
    [trace] = narrowed(open_source(str(file)), WANTED).window(0, 2**62)
    assert trace.trace_id == "1" * 32 and trace.spans[0].resource == WANTED
    collected = collect(narrowed(open_source(str(file)), WANTED), 0, 2**62, 0)
    assert [r.request_id for r in collected.requests] == ["mine"]


def test_jaeger_is_asked_by_tag_and_its_answer_checked_again() -> None:
    seen: list[httpx.Request] = []
    document = {
        "traceID": "3" * 32,
        "spans": [{"traceID": "3" * 32, "spanID": "a" * 16, "processID": "p1", "operationName": "GET /"}],
        "processes": {
            "p1": {"serviceName": "service-a", "tags": [{"key": KEY, "type": "string", "value": "x"}]}
        },
    }
    http = mock(
        {
            "/api/services": httpx.Response(200, json={"data": ["service-a"]}),
            "/api/traces": httpx.Response(200, json={"data": [document]}),
        },
        seen,
    )
    source = Narrowed(TraceQuery("http://jaeger", http=http, resource=WANTED), WANTED)
    assert source.window(0, 1) == []  # a backend that ignored the hint: the trace is from namespace x
    search = next(r for r in seen if r.url.path == "/api/traces").url.params
    assert json.loads(search["tags"]) == WANTED
    assert source.judged({}) is None and source.base_url == f"http://jaeger where {KEY}=trainee-07"


def test_jaeger_v3_is_asked_by_attributes_and_tempo_by_traceql() -> None:
    seen: list[httpx.Request] = []
    answer = json.dumps({"result": in_namespace("trainee-07", "4" * 32, "mine")})
    http = mock(
        {
            "/api/v3/services": httpx.Response(200, json={"services": ["service-a"]}),
            "/api/v3/traces": httpx.Response(200, text=answer),
        },
        seen,
    )
    [trace] = Narrowed(JaegerV3("http://jaeger", http=http, resource=WANTED), WANTED).window(0, 1)
    assert isinstance(trace, Trace) and trace.trace_id == "4" * 32
    search = next(r for r in seen if r.url.path == "/api/v3/traces").url.params
    assert json.loads(search["query.attributes"]) == WANTED
    assert traceql({}) == "{ }"
    assert traceql(WANTED) == '{ resource."k8s.namespace.name" = "trainee-07" }'
    tempo = Tempo(
        "http://tempo",
        http=mock({"/api/search": httpx.Response(200, json={"traces": []})}, seen),
        resource=WANTED,
    )
    Narrowed(tempo, WANTED).window(0, 1)
    assert seen[-1].url.params["q"] == traceql(WANTED)
