"""Decoding OTLP/HTTP export requests (protobuf or JSON) into rows the store keeps.

Spans are decoded into Jaeger's JSON vocabulary (tags, logs, references), the shape every reader
asks for, so a query only assembles them.
"""

import base64
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from google.protobuf import json_format
from google.protobuf.message import DecodeError, Message
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status

from tracebreak.traces.model import tag

PROTOBUF = "application/x-protobuf"
JSON = "application/json"

# OTLP span kinds, as Jaeger names them in the `span.kind` tag.
SPAN_KINDS = {1: "internal", 2: "server", 3: "client", 4: "producer", 5: "consumer"}
STATUS_CODES = {Status.STATUS_CODE_OK: "OK", Status.STATUS_CODE_ERROR: "ERROR"}


class PayloadError(ValueError):
    """The request body is not a valid OTLP export request; the message says why."""


@dataclass(frozen=True)
class SpanRow:
    trace_id: str
    span_id: str
    parent_span_id: str
    service: str
    operation: str
    kind: str
    start_us: int
    duration_us: int
    tags: list[dict[str, Any]]
    logs: list[dict[str, Any]]
    references: list[dict[str, Any]]
    process_tags: list[dict[str, Any]]


@dataclass(frozen=True)
class LogRow:
    trace_id: str
    span_id: str
    service: str
    time_us: int
    severity: str
    body: str
    attributes: dict[str, Any]


def decode_traces(body: bytes, content_type: str) -> list[SpanRow]:
    return _rows(_parse(body, content_type, ExportTraceServiceRequest(), _ID_FIELDS_TRACES))


def decode_traces_document(document: Any, hex_ids: bool = True) -> list[SpanRow]:
    """An OTLP JSON traces document already parsed (`{"resourceSpans": …}`): hex ids as OTLP/JSON
    writes them, or (`hex_ids=False`) base64 as protobuf's own JSON mapping does (Tempo's answers)."""
    message = ExportTraceServiceRequest()
    try:
        _parse_document(document, message, _ID_FIELDS_TRACES if hex_ids else ())
    except json_format.ParseError as error:
        raise PayloadError(f"not a valid OTLP JSON document: {error}") from error
    return _rows(message)


def _rows(request: Message) -> list[SpanRow]:
    rows = []
    for resource_spans in request.resource_spans:
        service, process_tags = _process(resource_spans.resource.attributes)
        for scope_spans in resource_spans.scope_spans:
            scope_tags = _scope_tags(scope_spans.scope.name, scope_spans.scope.version)
            rows.extend(_span_row(span, service, process_tags, scope_tags) for span in scope_spans.spans)
    return rows


def decode_logs(body: bytes, content_type: str) -> list[LogRow]:
    request = _parse(body, content_type, ExportLogsServiceRequest(), _ID_FIELDS_LOGS)
    rows = []
    for resource_logs in request.resource_logs:
        service, _ = _process(resource_logs.resource.attributes)
        for scope_logs in resource_logs.scope_logs:
            for record in scope_logs.log_records:
                time_ns = record.time_unix_nano or record.observed_time_unix_nano
                rows.append(
                    LogRow(
                        trace_id=record.trace_id.hex(),
                        span_id=record.span_id.hex(),
                        service=service,
                        time_us=time_ns // 1000,
                        severity=record.severity_text,
                        body=_text(record.body),
                        attributes={kv.key: _value(kv.value) for kv in record.attributes},
                    )
                )
    return rows


# OTLP/JSON writes ids as hex where protobuf's JSON mapping expects base64 (the OTLP spec's one
# deviation from the standard mapping), so they are translated before parsing.
_ID_FIELDS_TRACES = ("resourceSpans", "scopeSpans", "spans")
_ID_FIELDS_LOGS = ("resourceLogs", "scopeLogs", "logRecords")
_ID_KEYS = ("traceId", "spanId", "parentSpanId")


def _parse(body: bytes, content_type: str, message: Message, path: tuple[str, ...]) -> Message:
    media_type = content_type.split(";")[0].strip().lower()
    try:
        if media_type == PROTOBUF:
            message.ParseFromString(body)
        elif media_type == JSON:
            _parse_document(json.loads(body), message, path)
        else:
            raise PayloadError(f"unsupported Content-Type {content_type!r}: send {PROTOBUF} or {JSON}")
    except (DecodeError, json_format.ParseError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PayloadError(f"not a valid OTLP {media_type} body: {error}") from error
    except RecursionError as error:
        raise PayloadError(f"the {media_type} body is nested too deeply") from error
    return message


def _parse_document(document: Any, message: Message, path: tuple[str, ...]) -> None:
    """Parse a JSON document into `message`, its ids at `path` turned from hex to base64 first
    (no `path`: the ids are base64 already)."""
    if not isinstance(document, dict):
        raise PayloadError("the JSON body must be an object, as in OTLP/JSON")
    for item in _walk(document, path) if path else ():
        _hex_ids_to_base64(item)
        links = item.get("links", []) if isinstance(item, dict) else []
        if not isinstance(links, list):
            raise PayloadError("'links' must be a list")
        for link in links:
            _hex_ids_to_base64(link)
    json_format.ParseDict(document, message, ignore_unknown_fields=True)


def _walk(document: Any, path: tuple[str, ...]) -> Iterable[Any]:
    if not path:
        yield document
        return
    children = document.get(path[0], []) if isinstance(document, dict) else []
    if not isinstance(children, list):
        raise PayloadError(f"{path[0]!r} must be a list")
    for child in children:
        yield from _walk(child, path[1:])


def _hex_ids_to_base64(item: Any) -> None:
    if not isinstance(item, dict):
        return
    for key in _ID_KEYS:
        value = item.get(key)
        if isinstance(value, str) and value:
            try:
                item[key] = base64.b64encode(bytes.fromhex(value)).decode()
            except ValueError as error:
                raise PayloadError(f"{key} {value!r} is not hex") from error


def _span_row(
    span: Span, service: str, process_tags: list[dict[str, Any]], scope_tags: list[dict[str, Any]]
) -> SpanRow:
    if len(span.trace_id) != 16 or len(span.span_id) != 8:
        raise PayloadError(f"span {span.name!r} has an invalid trace or span id")
    trace_id, parent = span.trace_id.hex(), span.parent_span_id.hex()
    references = [{"refType": "CHILD_OF", "traceID": trace_id, "spanID": parent}] if parent else []
    references.extend(
        {"refType": "FOLLOWS_FROM", "traceID": link.trace_id.hex(), "spanID": link.span_id.hex()}
        for link in span.links
    )
    logs = [
        {
            "timestamp": event.time_unix_nano // 1000,
            "fields": [
                tag("event", event.name),
                *(tag(kv.key, _value(kv.value)) for kv in event.attributes),
            ],
        }
        for event in span.events
    ]
    return SpanRow(
        trace_id=trace_id,
        span_id=span.span_id.hex(),
        parent_span_id=parent,
        service=service,
        operation=span.name,
        kind=SPAN_KINDS.get(span.kind, "unspecified"),
        start_us=span.start_time_unix_nano // 1000,
        duration_us=max(0, span.end_time_unix_nano - span.start_time_unix_nano) // 1000,
        tags=_span_tags(span) + scope_tags,
        logs=logs,
        references=references,
        process_tags=process_tags,
    )


def _span_tags(span: Span) -> list[dict[str, Any]]:
    """The attributes, and what Jaeger keeps as tags: the kind and the status."""
    tags = [tag(kv.key, _value(kv.value)) for kv in span.attributes]
    if span.kind in SPAN_KINDS:
        tags.append(tag("span.kind", SPAN_KINDS[span.kind]))
    if span.status.code in STATUS_CODES:
        tags.append(tag("otel.status_code", STATUS_CODES[span.status.code]))
    if span.status.code == Status.STATUS_CODE_ERROR:
        tags.append(tag("error", True))
    if span.status.message:
        tags.append(tag("otel.status_description", span.status.message))
    return tags


def _process(attributes: Iterable[KeyValue]) -> tuple[str, list[dict[str, Any]]]:
    values = {kv.key: _value(kv.value) for kv in attributes}
    service = str(values.pop("service.name", "unknown_service"))
    return service, [tag(key, value) for key, value in sorted(values.items())]


def _scope_tags(name: str, version: str) -> list[dict[str, Any]]:
    tags = [tag("otel.scope.name", name)] if name else []
    return tags + ([tag("otel.scope.version", version)] if version else [])


def _value(value: AnyValue) -> Any:
    which = value.WhichOneof("value")
    if which == "array_value":
        return [_value(item) for item in value.array_value.values]
    if which == "kvlist_value":
        return {kv.key: _value(kv.value) for kv in value.kvlist_value.values}
    if which == "bytes_value":
        return base64.b64encode(value.bytes_value).decode()
    return getattr(value, which) if which else None


def _text(value: AnyValue) -> str:
    plain = _value(value)
    return plain if isinstance(plain, str) else json.dumps(plain)
