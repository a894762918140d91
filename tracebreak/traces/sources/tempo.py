"""Grafana Tempo: a TraceQL search (`/api/search`, times in seconds) for the window's trace ids, then
each trace whole (`/api/v2/traces/{id}`: `{"trace": {"resourceSpans": …}}`, with base64 ids and
enum names, as Tempo's protobuf JSON writes them)."""

import json
from typing import Any

import httpx

from tracebreak.traces.model import Trace
from tracebreak.traces.query import SEARCH_LIMIT, HttpReader, QueryError
from tracebreak.traces.sources.read import FromTraces
from tracebreak.traces.sources.spans import traces_of

EVERY_SPAN = "{ }"  # TraceQL: every trace with a span in the window, fragments and all
SPANS_PER_SPAN_SET = 1  # the search needs only the trace ids; each trace is read whole after


class Tempo(HttpReader, FromTraces):
    def window(self, since_us: int, until_us: int) -> list[Trace]:
        params = {
            "q": traceql(self.resource),
            "start": since_us // 1_000_000,
            "end": -(-until_us // 1_000_000),  # whole seconds that cover the window
            "limit": SEARCH_LIMIT,
            "spss": SPANS_PER_SPAN_SET,
        }
        response = self._get("/api/search", params)
        try:
            ids = [str(trace["traceID"]) for trace in response.json()["traces"] or []]
        except (ValueError, KeyError, TypeError) as error:
            raise QueryError(_unexpected(response, '{"traces": [{"traceID": …}, …]}', error)) from None
        self._read = traces = [trace for trace_id in dict.fromkeys(ids) for trace in self._trace(trace_id)]
        return traces

    def _trace(self, trace_id: str) -> list[Trace]:
        response = self._get(f"/api/v2/traces/{trace_id}", missing_ok=True)
        if response.status_code == 404:  # gone since the search found it (retention)
            return []
        try:
            return traces_of(response.json()["trace"], hex_ids=False)
        except (ValueError, KeyError, TypeError) as error:
            raise QueryError(_unexpected(response, '{"trace": {"resourceSpans": …}}', error)) from None


def traceql(resource: dict[str, str]) -> str:
    """The window's search: every span, or those of a resource (names quoted: `k8s.namespace.name`
    would read as nested otherwise, and `-` or `:` end an unquoted one)."""
    if not resource:
        return EVERY_SPAN
    wanted = " && ".join(f"resource.{json.dumps(k)} = {json.dumps(v)}" for k, v in resource.items())
    return f"{{ {wanted} }}"


def _unexpected(response: httpx.Response, expected: str, error: Any) -> str:
    return f"{response.request.url} did not answer as Tempo does: expected {expected} ({error})"
