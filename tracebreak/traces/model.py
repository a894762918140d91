"""A trace and its spans, as the doctor, the audit and the CLI read them, whatever the source."""

import json
import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any


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
    # What produced the span (OpenTelemetry's resource; Jaeger's process tags): k8s.namespace.name, ...
    resource: dict[str, Any] = field(default_factory=dict)

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
        found = document.get("processes", {})
        processes = {key: value["serviceName"] for key, value in found.items()}
        resources = {key: tags_of(value.get("tags") or []) for key, value in found.items()}
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
                    resource=resources.get(raw.get("processID", ""), {}),
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


def tag(key: str, value: Any) -> dict[str, Any]:
    """A Jaeger tag, its type read from its value: the store keeps a span's tags as one object and gives
    Jaeger's list back from it. Jaeger writes arrays and maps as JSON strings."""
    if isinstance(value, bool):
        return {"key": key, "type": "bool", "value": value}
    if isinstance(value, int):
        return {"key": key, "type": "int64", "value": value}
    if isinstance(value, float):
        if not math.isfinite(value):  # NaN and infinities have no JSON number: written as text
            return {"key": key, "type": "string", "value": str(value)}
        return {"key": key, "type": "float64", "value": value}
    if isinstance(value, str):
        return {"key": key, "type": "string", "value": value}
    return {"key": key, "type": "string", "value": json.dumps(value)}
