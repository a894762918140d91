"""Reading traces through Jaeger's HTTP query API: the embedded store or a real Jaeger alike."""

import json
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from tracebreak.traces.model import Trace

SEARCH_LIMIT = 1_000_000  # every trace in the window: the doctor needs all the fragments


class QueryError(RuntimeError):
    """The trace query API could not be reached or answered with an error."""


class HttpReader:
    """An HTTP client for one trace backend, its errors QueryErrors naming what answered."""

    def __init__(
        self,
        base_url: str,
        timeout_s: float = 5,
        http: httpx.Client | None = None,
        resource: Mapping[str, str] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = untraced(http or httpx.Client(timeout=timeout_s))
        # Resource attributes a window's traces must have a span from (sources/narrowed.py): a hint to
        # the backend's search, checked again on what it answers.
        self.resource = dict(resource or {})

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
            said = " ".join(response.text[:200].split())  # one line, whatever page answered
            raise QueryError(f"{response.request.url} answered {response.status_code}: {said}")
        return response


def untraced(http: httpx.Client) -> httpx.Client:
    """Reading traces must not make traces of its own, where the httpx instrumentation is on: the
    demo's processes turn it on; the core alone does not install it."""
    try:
        from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    except ImportError:
        return http
    HTTPXClientInstrumentor.uninstrument_client(http)
    return http


class SearchesByService(HttpReader, ABC):
    """A Jaeger API, whose search needs a service: a window lists the services first, and the
    `services()` call right after it (the doctor's, for their operations) answers that list rather
    than asking again. Any other call asks the backend."""

    _window_services: list[str] | None = None

    def services(self) -> list[str]:
        found, self._window_services = self._window_services, None
        return found if found is not None else self.listed_services()

    @abstractmethod
    def listed_services(self) -> list[str]:
        """The services the backend lists now."""

    def searched(self, services: list[str]) -> None:
        """A window has read these services' traces: the next `services()` call answers them."""
        self._window_services = services


class TraceQuery(SearchesByService):
    """Jaeger's v1 query API (`/api`: the embedded store, Jaeger v1 and v2), and the store's own
    verdict (`/api/doctor`) where it answers one."""

    def window(self, since_us: int, until_us: int) -> list[Trace]:
        """Every trace with a span in the window, each built once. Jaeger's search needs a service,
        and each service's search answers every trace the service is in again: a trace already read is
        skipped before it is decoded into spans."""
        traces: dict[str, Trace] = {}
        services = self.listed_services()
        params: dict[str, Any] = {"start": since_us, "end": until_us, "limit": SEARCH_LIMIT}
        if self.resource:  # Jaeger's tag search reads process tags too
            params["tags"] = json.dumps(self.resource)
        for service in services:
            for document in self.search(service, **params):
                if document["traceID"] not in traces:
                    traces[document["traceID"]] = Trace.from_jaeger(document)
        self.searched(services)
        return list(traces.values())

    def listed_services(self) -> list[str]:
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
