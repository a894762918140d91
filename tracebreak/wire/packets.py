"""tshark's JSON layers as messages: one per HTTP request, gRPC call and Kafka record, each with its
headers decoded (Kafka header values arrive as hex bytes)."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tracebreak.join_key import REQUEST_ID_HEADER
from tracebreak.traceparent import parse_traceparent

HTTP = "HTTP/1.1"
GRPC = "gRPC"
PRODUCE = "Kafka produce"
FETCH = "Kafka fetch"
PRODUCE_KEY, FETCH_KEY = "0", "1"  # Kafka's api keys
UNKNOWN = "<unknown>"


@dataclass(frozen=True)
class Message:
    frame: int
    time: float
    source_port: int
    target_port: int
    protocol: str
    headers: dict[str, list[str]] = field(default_factory=dict)
    topic: str | None = None
    path: str | None = None  # an HTTP request's target, a gRPC call's method

    def header(self, name: str) -> str | None:
        values = self.headers.get(name)
        return ",".join(values) if values else None


@dataclass
class Capture:
    messages: list[Message] = field(default_factory=list)
    # HTTP responses: the request's frame number -> the x-request-id the response carried.
    answered: dict[int, str] = field(default_factory=dict)


def items(value: Any) -> list[Any]:
    """tshark writes a field seen once as a value and seen again as a list of them."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def read(packets: list[dict[str, Any]]) -> Capture:
    capture = Capture()
    for layers in packets:
        frame, tcp = layers.get("frame", {}), layers.get("tcp", {})
        where = (
            int(frame.get("frame.number", 0)),
            float(frame.get("frame.time_epoch", 0)),
            int(tcp.get("tcp.srcport", 0)),
            int(tcp.get("tcp.dstport", 0)),
        )
        for http in items(layers.get("http")):
            _http(capture, where, http)
        for http2 in items(layers.get("http2")):
            capture.messages += _grpc(where, http2)
        for kafka in items(layers.get("kafka")):
            capture.messages += _kafka(where, kafka)
    return capture


def _header_lines(lines: list[str]) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    for line in lines:
        name, _, value = line.rstrip("\r\n").partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return headers


def _http(capture: Capture, where: tuple[int, float, int, int], http: dict[str, Any]) -> None:
    if "http.request.line" in http or http.get("http.request") == "1":
        headers = _header_lines(items(http.get("http.request.line")))
        path = next((line.get("http.request.uri") for line in http.values() if isinstance(line, dict)), None)
        capture.messages.append(Message(*where, HTTP, headers, path=path))
    elif "http.request_in" in http:
        request_id = _header_lines(items(http.get("http.response.line"))).get(REQUEST_ID_HEADER)
        if request_id:
            capture.answered[int(http["http.request_in"])] = request_id[0]


def _grpc(where: tuple[int, float, int, int], http2: dict[str, Any]) -> Iterator[Message]:
    """HEADERS frames: a call's metadata (or its answer's), HPACK decoded."""
    for stream in items(http2.get("http2.stream")):
        if stream.get("http2.type") != "1":
            continue
        headers: dict[str, list[str]] = {}
        for entry in items(stream.get("http2.header")):
            name = str(entry.get("http2.header.name", "")).lower()
            value = str(entry.get("http2.header.value", ""))
            # A connection opened before the capture indexed names tshark never saw: they show as
            # <unknown>. A traceparent's value is new on every call, so it is always sent as a
            # literal and can be recognised by its shape even when its name cannot be read.
            if name == UNKNOWN and parse_traceparent(value) is not None:
                name = "traceparent"
            headers.setdefault(name, []).append(value)
        path = headers.get(":path", [None])[0]
        yield Message(*where, GRPC, headers, path=path)


def _kafka(where: tuple[int, float, int, int], kafka: dict[str, Any]) -> Iterator[Message]:
    """Produce requests and fetch responses: a message per record, with the record's topic."""
    if kafka.get("kafka.api_key") == PRODUCE_KEY and "kafka.request_key" in kafka:
        protocol = PRODUCE
    elif kafka.get("kafka.api_key") == FETCH_KEY and "kafka.response_key" in kafka:
        protocol = FETCH
    else:
        return
    for topic, record in _records(kafka, None):
        yield Message(*where, protocol, _record_headers(record), topic)


def _records(node: Any, topic: str | None) -> Iterator[tuple[str | None, dict[str, Any]]]:
    """Every record in the tree under `node`, with the topic it sits under."""
    if isinstance(node, list):
        for child in node:
            yield from _records(child, topic)
        return
    if not isinstance(node, dict):
        return
    topic = node.get("kafka.topic_name", topic)
    for key, child in node.items():
        if key == "Record":
            yield from ((topic, record) for record in items(child) if isinstance(record, dict))
        else:
            yield from _records(child, topic)


def _record_headers(record: dict[str, Any]) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    for entries in items(record.get("Headers")):
        if not isinstance(entries, dict):
            continue
        for header in (h for value in entries.values() for h in items(value) if isinstance(h, dict)):
            key = str(header.get("kafka.header_key", ""))
            headers.setdefault(key.lower(), []).append(_text(header.get("kafka.header_value")))
    return headers


def _text(hex_bytes: Any) -> str:
    """A header value as tshark shows it, `30:30:2d:…`, back to the text it is (null: empty)."""
    if not isinstance(hex_bytes, str) or not hex_bytes or hex_bytes.startswith("["):
        return ""
    try:
        return bytes.fromhex(hex_bytes.replace(":", "")).decode("utf-8", errors="replace")
    except ValueError:
        return hex_bytes
