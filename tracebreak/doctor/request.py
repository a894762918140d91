"""A request: every trace that carries its correlation id.

The first trace to start is the request's own; any other is a fragment, and how a fragment begins
says which boundary lost the context.
"""

import contextlib
import json
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from tracebreak.doctor.joins import Join
from tracebreak.join_key import SPAN_KEYS
from tracebreak.traces.model import Span, Trace


def request_ids(span: Span, keys: tuple[str, ...] = SPAN_KEYS) -> set[str]:
    return request_ids_of(span.tags, keys)


def request_ids_of(tags: Mapping[str, Any], keys: tuple[str, ...] = SPAN_KEYS) -> set[str]:
    """The request ids a span's tags carry under `keys` (by default Envoy's guid, or the header a
    service recorded)."""
    found: set[str] = set()
    for key in keys:  # asked of every span: a few lookups beat building a key set
        value = tags.get(key)
        if value is None:
            continue
        if isinstance(value, str) and value.startswith("["):  # a captured header is a string array
            with contextlib.suppress(json.JSONDecodeError):
                value = json.loads(value)
        found.update(str(v) for v in (value if isinstance(value, list) else [value]) if v)
    return found


class Request:
    """The traces of one request, the first to start being the request's own."""

    def __init__(
        self,
        request_id: str,
        traces: list[Trace],
        logs: list[dict[str, Any]] | None = None,
        traced_services: frozenset[str] = frozenset(),
        traced_routes: Mapping[str, frozenset[str]] | None = None,
        joins: Mapping[str, Join] | None = None,
    ) -> None:
        self.request_id = request_id
        # How each fragment that carries no request id was joined (by trace id); the rest by their id.
        self.joins = joins or {}
        self.logs = logs or []  # the log records that carry the request id, where the source has logs
        # Names under which servers record spans anywhere in the window: a call to anything else goes
        # to a callee that is not traced at all (an external API), which breaks nothing.
        self.traced_services = traced_services
        # Per service, the HTTP routes its servers have ever recorded ("GET /orders/{order_id}").
        self.traced_routes = traced_routes or {}
        self.traces = sorted(traces, key=lambda t: (min(s.start_us for s in t.spans), t.trace_id))
        self.main = self.traces[0]
        self.fragments = self.traces[1:]
        self.spans = [span for trace in self.traces for span in trace.spans]
        # Where the fragments' trees start: the spans that began without the request's context.
        self.fragment_tops = [top for fragment in self.fragments for top in fragment.tops]
        self._trace_of = {span.span_id: trace for trace in self.traces for span in trace.spans}

    def has_span(self, span_id: str) -> bool:
        return span_id in self._trace_of

    def trace_of(self, span: Span) -> Trace:
        return self._trace_of[span.span_id]

    def has_child(self, span: Span, kinds: tuple[str, ...]) -> bool:
        return any(child.kind in kinds for child in self.trace_of(span).children(span))

    def descendants(self, span: Span) -> list[Span]:
        trace, found, queue = self.trace_of(span), [], [span]
        while queue:
            for child in trace.children(queue.pop()):
                found.append(child)
                queue.append(child)
        return found

    @cached_property
    def deepest_failures(self) -> list[Span]:
        """Failed spans with no failed span below them: where failures began."""
        return [s for s in self.spans if s.failed and not any(d.failed for d in self.descendants(s))]
