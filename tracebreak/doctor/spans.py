"""What the rules read off a span, in the semantic conventions every OpenTelemetry SDK writes: the
protocol it spoke, the status it answered, whom it called, and whether it lies within another."""

from typing import Any

from tracebreak.traces.model import Span

SLACK_US = 5_000  # clock skew allowed when one span should lie within another


def protocol(span: Span) -> str:
    if "rpc.system" in span.tags:
        return "gRPC" if span.tags["rpc.system"] == "grpc" else str(span.tags["rpc.system"])
    if "messaging.system" in span.tags:
        return "Kafka" if span.tags["messaging.system"] == "kafka" else str(span.tags["messaging.system"])
    if any(key.startswith("http.") or key == "upstream_cluster" for key in span.tags):
        return "HTTP"
    return "in-process"


def within(outer: Span, inner: Span) -> bool:
    """`inner` began while `outer` was open: a callee starts inside its caller (its end may be recorded
    a little after the caller's, once it has answered)."""
    return outer.start_us - SLACK_US <= inner.start_us <= outer.end_us + SLACK_US


def remote_call(span: Span) -> bool:
    """A CLIENT span for a call to another traced service (databases are rarely traced)."""
    return span.kind == "client" and not any(key.startswith("db.") for key in span.tags)


def _number(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def http_status(span: Span) -> int | None:
    """The HTTP status a span records (the current convention's key, or the older one)."""
    return _number(span.tags.get("http.response.status_code", span.tags.get("http.status_code")))


def rejected(span: Span) -> bool:
    """A server span that answered no on purpose (4xx/5xx, or a gRPC status other than OK)."""
    status = http_status(span)
    grpc_status = _number(span.tags.get("rpc.grpc.status_code"))
    return (status is not None and status >= 400) or (grpc_status is not None and grpc_status != 0)


def callee_names(span: Span) -> set[str]:
    """What a CLIENT span says about whom it called, or a SERVER span about who it is."""
    keys = ("rpc.service", "server.address", "peer.service", "upstream_cluster")
    names = {str(span.tags[key]) for key in keys if span.tags.get(key)}
    return names | ({span.service} if span.kind == "server" else set())
