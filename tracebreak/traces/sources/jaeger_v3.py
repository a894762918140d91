"""Jaeger v2's stable query API, `/api/v3`: OTLP JSON answers (`{"result": {"resourceSpans": …}}`),
hex ids and integer enums; a search needs `query.start_time_min`/`max` in RFC 3339, and a search that
finds nothing is a 404."""

import json
from collections.abc import Set as AbstractSet
from datetime import UTC, datetime, timedelta
from typing import Any

from tracebreak.traces.model import Trace
from tracebreak.traces.query import SEARCH_LIMIT, QueryError, SearchesByService
from tracebreak.traces.sources.read import TracesOnly
from tracebreak.traces.sources.spans import merged, traces_of


class JaegerV3(TracesOnly, SearchesByService):
    def listed_services(self) -> list[str]:
        return list(self._answer("/api/v3/services", "services"))

    def operations(self, service: str, span_kind: str = "") -> list[str]:
        found = self._answer("/api/v3/operations", "operations", {"service": service, "span_kind": span_kind})
        return [operation["name"] for operation in found]

    def window(self, since_us: int, until_us: int) -> list[Trace]:
        """Every trace with a span in the window. Each service's search answers every trace the service
        is in again, whole: a span an earlier answer gave is skipped before it is decoded."""
        traces: list[Trace] = []
        read: set[tuple[str, str]] = set()  # the trace and span ids of the spans decoded so far
        services = self.listed_services()
        params = {
            "query.start_time_min": rfc3339(since_us),
            "query.start_time_max": rfc3339(until_us),
            "query.search_depth": SEARCH_LIMIT,
            "query.num_traces": SEARCH_LIMIT,  # the same parameter's name before Jaeger 2.4
            **({"query.attributes": json.dumps(self.resource)} if self.resource else {}),
        }
        for service in services:
            found = self._traces("/api/v3/traces", {"query.service_name": service, **params}, read)
            read.update((span.trace_id, span.span_id) for trace in found for span in trace.spans)
            traces.extend(found)
        self.searched(services)
        return merged(traces)

    def trace(self, trace_id: str) -> Trace | None:
        # Jaeger streams a long trace in several chunks: one trace, each span once.
        found = merged(self._traces(f"/api/v3/traces/{trace_id}"))
        return found[0] if found else None

    def _traces(
        self,
        path: str,
        params: dict[str, Any] | None = None,
        read: AbstractSet[tuple[str, str]] = frozenset(),
    ) -> list[Trace]:
        """The traces of an answer: one `{"result": …}` chunk, or a stream of them a line each; the
        spans already `read` left out."""
        response = self._get(path, params, missing_ok=True)
        if response.status_code == 404:
            return []
        try:
            chunks = [json.loads(line) for line in response.text.splitlines() if line.strip()]
            return [t for chunk in chunks for t in traces_of(unread(chunk["result"], read))]
        except (ValueError, KeyError, TypeError) as error:
            expected = '{"result": {"resourceSpans": …}}'
            raise QueryError(_unexpected(response.request.url, expected, error)) from None

    def _answer(self, path: str, key: str, params: dict[str, Any] | None = None) -> list[Any]:
        response = self._get(path, params)
        try:
            found = response.json()[key]
        except (ValueError, KeyError, TypeError) as error:
            raise QueryError(_unexpected(response.request.url, f'{{"{key}": […]}}', error)) from None
        if not isinstance(found, list):
            raise QueryError(_unexpected(response.request.url, f'{{"{key}": […]}}', f"{key} is not a list"))
        return found


def unread(document: Any, read: AbstractSet[tuple[str, str]]) -> Any:
    """The OTLP document without the spans whose ids are in `read`, so that they are not decoded
    again; whatever is not in OTLP's shape is left for the decoder to name."""
    if not read:
        return document
    for resource in _objects(document, "resourceSpans"):
        for scope in _objects(resource, "scopeSpans"):
            if isinstance(scope.get("spans"), list):
                scope["spans"] = [span for span in scope["spans"] if _ids(span) not in read]
    return document


def _objects(parent: Any, key: str) -> list[dict[str, Any]]:
    children = parent.get(key) if isinstance(parent, dict) else None
    return [child for child in children if isinstance(child, dict)] if isinstance(children, list) else []


def _ids(span: Any) -> tuple[str, str] | None:
    """A span's trace and span ids as the decoder gives them back (lower-case hex), where it has both."""
    trace_id, span_id = (span.get("traceId"), span.get("spanId")) if isinstance(span, dict) else (None, None)
    if isinstance(trace_id, str) and isinstance(span_id, str):
        return trace_id.lower(), span_id.lower()
    return None


def rfc3339(time_us: int) -> str:
    """A time in µs as RFC 3339, to the microsecond (no float in between)."""
    moment = datetime.fromtimestamp(0, UTC) + timedelta(microseconds=time_us)
    return moment.isoformat().replace("+00:00", "Z")


def _unexpected(url: object, expected: str, error: object) -> str:
    return f"{url} did not answer as Jaeger's /api/v3 does: expected {expected} ({error})"
