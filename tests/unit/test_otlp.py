import json

import pytest
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans

from tests.support.spans import otlp_json, otlp_protobuf, record_cascade
from tracebreak.traces.otlp import JSON, PROTOBUF, PayloadError, decode_logs, decode_traces


def tags_of(row):
    return {tag["key"]: (tag["type"], tag["value"]) for tag in row.tags}


def test_protobuf_spans_become_jaeger_rows():
    spans = record_cascade()
    rows = {row.operation: row for row in decode_traces(otlp_protobuf(spans), PROTOBUF)}
    server, client = rows["GET /orders/{order_id}"], rows["SELECT orders"]
    assert server.service == client.service == "service-a"
    assert server.parent_span_id == "" and server.references == []
    assert client.references == [
        {"refType": "CHILD_OF", "traceID": server.trace_id, "spanID": server.span_id}
    ]
    assert client.kind == "client" and server.kind == "server"
    tags = tags_of(client)
    assert tags["retries"] == ("int64", 2)
    assert tags["ratio"] == ("float64", 0.5)
    assert tags["cached"] == ("bool", False)
    assert tags["tags"] == ("string", '["a", "b"]')
    assert tags["span.kind"] == ("string", "client")
    assert tags["otel.status_code"] == ("string", "ERROR")
    assert tags["error"] == ("bool", True)
    assert tags["otel.status_description"] == ("string", "downstream timed out")
    assert client.logs[0]["fields"][0] == {"key": "event", "type": "string", "value": "timeout"}
    assert client.duration_us >= 0 and client.start_us > 1_600_000_000_000_000


def test_otlp_json_with_hex_ids_decodes_like_protobuf():
    spans = record_cascade()
    from_json = decode_traces(json.dumps(otlp_json(spans)).encode(), JSON + "; charset=utf-8")
    from_protobuf = decode_traces(otlp_protobuf(spans), PROTOBUF)
    assert from_json == from_protobuf


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"\xff\xff garbage", PROTOBUF, "not a valid OTLP"),
        (b"{not json", JSON, "not a valid OTLP"),
        (b"[1, 2]", JSON, "must be an object"),
        (b'{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "zz"}]}]}]}', JSON, "is not hex"),
        (
            b'{"resourceSpans": [{"scopeSpans": [{"spans": [{"name": "no ids"}]}]}]}',
            JSON,
            "invalid trace or span id",
        ),
        (b"{}", "text/plain", "unsupported Content-Type"),
    ],
)
def test_malformed_payloads_are_refused_with_a_reason(body, content_type, reason):
    with pytest.raises(PayloadError, match=reason):
        decode_traces(body, content_type)


def test_log_records_keep_their_trace_context():
    from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest

    request = ExportLogsServiceRequest()
    resource_logs = request.resource_logs.add()
    attribute = resource_logs.resource.attributes.add()
    attribute.key, attribute.value.string_value = "service.name", "service-c"
    record = resource_logs.scope_logs.add().log_records.add()
    record.time_unix_nano = 1_700_000_000_000_000_000
    record.trace_id, record.span_id = bytes.fromhex("ab" * 16), bytes.fromhex("cd" * 8)
    record.severity_text = "ERROR"
    record.body.string_value = "order 7 failed"
    [row] = decode_logs(request.SerializeToString(), PROTOBUF)
    assert (row.trace_id, row.span_id, row.service, row.body) == (
        "ab" * 16,
        "cd" * 8,
        "service-c",
        "order 7 failed",
    )
    assert row.time_us == 1_700_000_000_000_000


def test_non_finite_numbers_are_kept_as_text_so_the_trace_stays_readable():
    spans = record_cascade()
    request = encode_spans(spans)
    span = request.resource_spans[0].scope_spans[0].spans[0]
    attribute = span.attributes.add()
    attribute.key, attribute.value.double_value = "ratio.nan", float("nan")
    rows = decode_traces(request.SerializeToString(), PROTOBUF)
    tag = next(t for row in rows for t in row.tags if t["key"] == "ratio.nan")
    assert tag == {"key": "ratio.nan", "type": "string", "value": "nan"}
    json.dumps([row.tags for row in rows], allow_nan=False)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"resourceSpans": [{"scopeSpans": [{"spans": [{"links": 5}]}]}]}', "'links' must be a list"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_json_of_the_wrong_shape_is_a_payload_error(body, reason):
    with pytest.raises(PayloadError, match=reason):
        decode_traces(body, JSON)
