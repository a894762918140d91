import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tests.support.spans import otlp_protobuf, record_cascade
from tracebreak.store.database import Database, Retention
from tracebreak.store.ingest import ingest_app
from tracebreak.store.query import query_app
from tracebreak.traces.otlp import PROTOBUF


@pytest.fixture
def ingest(db):
    return TestClient(ingest_app(db, max_body=64 * 1024))


@pytest.fixture
def query(db):
    return TestClient(query_app(db))


def post_spans(ingest, spans, **headers):
    return ingest.post(
        "/v1/traces", content=otlp_protobuf(spans), headers={"content-type": PROTOBUF, **headers}
    )


def test_stored_trace_comes_back_in_jaeger_shape(ingest, query):
    spans = record_cascade()
    assert post_spans(ingest, spans).status_code == 200
    trace_id = format(spans[0].context.trace_id, "032x")
    body = query.get(f"/api/traces/{trace_id}").json()
    assert set(body) == {"data", "total", "limit", "offset", "errors"} and body["errors"] is None
    [trace] = body["data"]
    assert trace["traceID"] == trace_id and len(trace["spans"]) == 2
    assert trace["processes"]["p1"]["serviceName"] == "service-a"
    assert {span["processID"] for span in trace["spans"]} == {"p1"}
    assert query.get("/api/services").json()["data"] == ["service-a"]
    assert query.get("/api/services/service-a/operations").json()["data"] == [
        "GET /orders/{order_id}",
        "SELECT orders",
    ]
    kinds = query.get("/api/operations", params={"service": "service-a", "spanKind": "client"}).json()["data"]
    assert kinds == [{"name": "SELECT orders", "spanKind": "client"}]


def test_a_strict_jaeger_parser_accepts_the_answers(ingest, query, tmp_path):
    """jaeger-stats' show_traces rejects JSON that misses any field of Jaeger's trace model."""
    post_spans(ingest, record_cascade())
    for name, response in {
        "search.json": query.get("/api/traces", params={"service": "service-a"}),
        "one.json": query.get(
            f"/api/traces/{query.get('/api/traces?service=service-a').json()['data'][0]['traceID']}"
        ),
    }.items():
        (tmp_path / name).write_text(response.text)
        parsed = subprocess.run(
            [str(Path(sys.executable).parent / "show_traces"), str(tmp_path / name)],
            cwd=tmp_path, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert parsed.returncode == 0, parsed.stdout + parsed.stderr
        assert "Extracted 1 traces" in parsed.stdout


def test_search_filters_by_operation_tags_and_duration(ingest, query):
    post_spans(ingest, record_cascade())
    post_spans(ingest, record_cascade("service-b"))

    def found(**params):
        return len(query.get("/api/traces", params={"service": "service-a", **params}).json()["data"])

    assert found() == 1
    assert found(operation="SELECT orders") == 1
    assert found(operation="nope") == 0
    assert found(tags=json.dumps({"error": "true"})) == 1
    assert found(tags=json.dumps({"http.request.header.x-request-id": "rid-1"})) == 1
    assert found(tag="http.request.header.x-request-id:other") == 0
    assert found(minDuration="1h") == 0
    assert found(lookback="1h") == 1
    assert found(end="1") == 0


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "parameter 'service' is required"),
        ({"service": "a", "limit": "x"}, "'limit' must be an integer"),
        ({"service": "a", "minDuration": "soon"}, "is not a duration"),
        ({"service": "a", "tags": "{oops"}, "malformed 'tags'"),
        ({"service": "a", "tag": "novalue"}, "malformed 'tag'"),
        ({"service": "a", "start": "9" * 30}, "between 0 and 2^63-1"),
        ({"service": "a", "limit": "-1"}, "between 0 and 2^63-1"),
        ({"service": "a", "minDuration": "9" * 30 + "h"}, "longer than any trace"),
    ],
)
def test_bad_queries_get_a_jaeger_error(query, params, message):
    response = query.get("/api/traces", params=params)
    assert response.status_code == 400
    assert message in response.json()["errors"][0]["msg"]


def test_unknown_trace_is_a_jaeger_404(query):
    response = query.get("/api/traces/" + "ab" * 16)
    assert response.status_code == 404
    assert response.json() == {
        "data": None, "total": 0, "limit": 0, "offset": 0, "errors": [{"code": 404, "msg": "trace not found"}]
    }  # fmt: skip


def test_malformed_body_is_refused_and_nothing_stored_before_is_lost(ingest, query, db):
    post_spans(ingest, record_cascade())
    bad = ingest.post("/v1/traces", content=b"\x0a\xff\xff\xff", headers={"content-type": PROTOBUF})
    assert bad.status_code == 400
    bad_json = ingest.post("/v1/traces", content=b"{", headers={"content-type": "application/json"})
    assert bad_json.status_code == 400 and "not a valid OTLP" in bad_json.json()["message"]
    assert ingest.post("/v1/traces", content=b"x", headers={"content-type": "text/csv"}).status_code == 400
    assert db.counts()[0] == 2
    assert post_spans(ingest, record_cascade()).status_code == 200
    assert db.counts()[0] == 4


def test_oversized_body_is_refused_with_413(ingest, db):
    too_big = ingest.post("/v1/traces", content=b"\0" * (65 * 1024), headers={"content-type": PROTOBUF})
    assert too_big.status_code == 413
    bomb = gzip.compress(b"\0" * (1024 * 1024))
    inflated = ingest.post(
        "/v1/traces", content=bomb, headers={"content-type": PROTOBUF, "content-encoding": "gzip"}
    )
    assert inflated.status_code == 413
    assert db.counts() == (0, 0)


def test_gzip_bodies_are_accepted(ingest, db):
    body = gzip.compress(otlp_protobuf(record_cascade()))
    response = ingest.post(
        "/v1/traces", content=body, headers={"content-type": PROTOBUF, "content-encoding": "gzip"}
    )
    assert response.status_code == 200
    assert db.counts()[0] == 2


def test_retention_keeps_the_newest_spans(tmp_path):
    db = Database(tmp_path / "small.db", Retention(max_spans=3, max_logs=3, max_age_s=3600))
    client = TestClient(ingest_app(db))
    for _ in range(3):
        post_spans(client, record_cascade())
    assert db.counts()[0] == 3
    aged = Database(tmp_path / "aged.db", Retention(max_age_s=0))
    post_spans(TestClient(ingest_app(aged)), record_cascade())
    post_spans(TestClient(ingest_app(aged)), record_cascade())
    assert aged.counts()[0] <= 2
