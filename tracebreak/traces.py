"""Reading traces through Jaeger's HTTP query API: the embedded store or a real Jaeger alike; and
durations written as Jaeger takes them, for every option that reads one."""

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import httpx
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor


class QueryError(RuntimeError):
    """The trace query API could not be reached or answered with an error."""


# Plain and slotted, not frozen: the doctor builds tens of thousands a second, and a frozen
# dataclass costs six times as much to make (its tags, a dict, never made it hashable anyway).
@dataclass(slots=True)
class Span:
    trace_id: str
    span_id: str
    parent_id: str | None
    service: str
    operation: str
    kind: str
    start_us: int
    duration_us: int
    tags: dict[str, Any] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    links: tuple[str, ...] = ()  # span ids this span follows from (OpenTelemetry links)

    @property
    def end_us(self) -> int:
        return self.start_us + self.duration_us

    @property
    def failed(self) -> bool:
        # OpenTelemetry's status, or the `error` tag older tracers (Envoy, Zipkin) write as text.
        if self.tags.get("otel.status_code") == "ERROR":
            return True
        error = self.tags.get("error")  # most spans have none: no text made of None
        return error is not None and str(error).lower() == "true"

    @property
    def status(self) -> str:
        return str(self.tags.get("otel.status_code", "UNSET"))


@dataclass(frozen=True)
class Trace:
    trace_id: str
    spans: list[Span]

    @classmethod
    def from_jaeger(cls, document: dict[str, Any]) -> "Trace":
        processes = {key: value["serviceName"] for key, value in document.get("processes", {}).items()}
        spans = []
        for raw in document.get("spans", []):
            references = raw.get("references") or []
            parent = next((ref["spanID"] for ref in references if ref.get("refType") == "CHILD_OF"), None)
            tags = tags_of(raw.get("tags") or [])
            spans.append(
                Span(
                    trace_id=raw["traceID"],
                    span_id=raw["spanID"],
                    parent_id=parent,
                    service=processes.get(raw.get("processID", ""), "unknown"),
                    operation=raw.get("operationName", ""),
                    kind=str(tags.get("span.kind", "internal")),
                    start_us=int(raw.get("startTime", 0)),
                    duration_us=int(raw.get("duration", 0)),
                    tags=tags,
                    events=events_of(raw.get("logs") or []),
                    links=links_of(references),
                )
            )
        return cls(document["traceID"], sorted(spans, key=lambda s: s.start_us))

    @cached_property  # a trace's spans never change once read
    def by_id(self) -> dict[str, Span]:
        return {span.span_id: span for span in self.spans}

    @cached_property
    def _children(self) -> dict[str, list[Span]]:
        found: dict[str, list[Span]] = {}
        for span in self.spans:
            if span.parent_id is not None:
                found.setdefault(span.parent_id, []).append(span)
        return found

    @property
    def roots(self) -> list[Span]:
        return [span for span in self.spans if span.parent_id is None]

    @property
    def unresolved(self) -> list[Span]:
        """Spans whose parent is not in the trace (yet, or ever)."""
        ids = self.by_id
        return [span for span in self.spans if span.parent_id is not None and span.parent_id not in ids]

    @cached_property
    def tops(self) -> list[Span]:
        """Where the trace's trees start: its roots, and spans whose parent never arrived."""
        return [span for span in self.spans if span.parent_id not in self.by_id]

    @property
    def services(self) -> set[str]:
        return {span.service for span in self.spans}

    def children(self, span: Span) -> list[Span]:
        return self._children.get(span.span_id, [])

    def ancestors(self, span: Span) -> list[Span]:
        ids, found, current = self.by_id, [], span
        while current.parent_id in ids:
            current = ids[current.parent_id]
            found.append(current)
        return found


def tags_of(tags: list[dict[str, Any]]) -> dict[str, Any]:
    """Jaeger's tags (or a log's fields) as a mapping."""
    return {tag["key"]: tag["value"] for tag in tags}


def events_of(logs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Jaeger's logs (OpenTelemetry's span events): their fields and their time."""
    return [tags_of(log.get("fields") or []) | {"timestamp": log.get("timestamp")} for log in logs]


def links_of(references: list[dict[str, Any]]) -> tuple[str, ...]:
    """The span ids a span follows from: its links, as Jaeger's FOLLOWS_FROM references."""
    return tuple(ref["spanID"] for ref in references if ref.get("refType") == "FOLLOWS_FROM")


class TraceQuery:
    def __init__(self, base_url: str, timeout_s: float = 5, http: httpx.Client | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = http or httpx.Client(timeout=timeout_s)
        # Reading traces must not make traces of its own, where the httpx instrumentation is on.
        HTTPXClientInstrumentor.uninstrument_client(self._http)

    def close(self) -> None:
        self._http.close()

    def _get(
        self, path: str, params: dict[str, Any] | None = None, missing_ok: bool = False
    ) -> httpx.Response:
        """A 200 answer (or a 404 where `missing_ok`); anything else is a QueryError naming it."""
        try:
            response = self._http.get(self.base_url + path, params=params)
        except httpx.HTTPError as error:
            raise QueryError(f"cannot reach the trace query API at {self.base_url}: {error}") from error
        if response.status_code != 200 and not (missing_ok and response.status_code == 404):
            raise QueryError(f"{response.request.url} answered {response.status_code}: {response.text[:200]}")
        return response

    def services(self) -> list[str]:
        response = self._get("/api/services")
        return list(response.json().get("data") or [])

    def operations(self, service: str, span_kind: str = "") -> list[str]:
        response = self._get("/api/operations", {"service": service, "spanKind": span_kind})
        return [operation["name"] for operation in response.json().get("data") or []]

    def trace(self, trace_id: str) -> Trace | None:
        response = self._get(f"/api/traces/{trace_id}", missing_ok=True)
        if response.status_code == 404:
            return None
        data = response.json().get("data") or []
        return Trace.from_jaeger(data[0]) if data else None

    def find(self, service: str, **params: Any) -> list[Trace]:
        return [Trace.from_jaeger(document) for document in self.search(service, **params)]

    def search(self, service: str, **params: Any) -> list[dict[str, Any]]:
        """The traces a search finds, as Jaeger's JSON documents (for a reader that builds only some)."""
        response = self._get("/api/traces", {"service": service, **params})
        return response.json().get("data") or []

    def judged(self, params: dict[str, Any]) -> dict[str, Any] | None:
        """tracebreak's store judges a window itself (`GET /api/doctor`): the doctor's JSON, or None where
        the source has no such endpoint. A real Jaeger answers 404, or its UI's page: neither is a
        verdict."""
        response = self._get("/api/doctor", params, missing_ok=True)
        try:
            document = response.json()
        except ValueError:
            return None
        found = response.status_code == 200 and isinstance(document, dict)
        return document if found and {"requests", "totals"} <= document.keys() else None

    def logs(self, trace_id: str | None = None, start_us: int = 0, end_us: int = 0) -> list[dict[str, Any]]:
        """Log records of a trace, or of a window: tracebreak's store has them, Jaeger has not."""
        params = {"traceID": trace_id} if trace_id else {"start": start_us, "end": end_us}
        response = self._get("/api/logs", params)
        return response.json().get("data") or []

    def wait_for_trace(
        self,
        trace_id: str,
        complete: Callable[[Trace], bool] = lambda t: not t.unresolved,
        timeout_s: float = 10,
        settle_s: float = 0.6,
    ) -> Trace | None:
        """Poll until the trace is complete and has stopped growing for `settle_s`, or the deadline.

        Spans of one trace arrive from several processes, each on its own export schedule, so
        "complete" means: the predicate holds and no new span came in for a moment. Returns the last
        trace seen (possibly incomplete), or None if nothing of it arrived.
        """
        deadline = time.monotonic() + timeout_s
        last: Trace | None = None
        stable_since = time.monotonic()
        while True:
            current = self.trace(trace_id)
            if current is None or last is None or len(current.spans) != len(last.spans):
                stable_since = time.monotonic()
            last = current or last
            now = time.monotonic()
            if last is not None and complete(last) and now - stable_since >= settle_s:
                return last
            if now >= deadline:
                return last
            time.sleep(0.1)  # polling interval of a deadline-bounded wait


_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_BARE_SECONDS = re.compile(r"\d+(?:\.\d+)?")
_MICROSECONDS = {
    "ns": 0.001,
    "us": 1,
    "µs": 1,
    "ms": 1_000,
    "s": 1_000_000,
    "m": 60_000_000,
    "h": 3_600_000_000,
}


# Times and durations are signed 64-bit integers (Jaeger's int64, the store's SQLite columns).
MAX_INT64 = 2**63 - 1


def parse_duration_us(text: str) -> int:
    """A Go duration string, as Jaeger takes it ("100ms", "1h30m", "1.5s"), or a bare number of
    seconds (as wrk's -d takes it: "20"), in microseconds."""
    written = text.strip()
    if _BARE_SECONDS.fullmatch(written):
        written += "s"
    parts = _DURATION.findall(written)
    if not parts or "".join(number + unit for number, unit in parts) != written:
        raise ValueError(f"{text!r} is not a duration; write it like 100ms, 2s, 10m, 1h or 20 (seconds)")
    micros = int(sum(float(number) * _MICROSECONDS[unit] for number, unit in parts))
    if micros > MAX_INT64:
        raise ValueError(f"{text!r} is longer than any trace can be")
    return micros
