"""Reading a time window of traces (and the log records, where the source keeps them) from any trace
source, and joining them into requests."""

import re
import time
from dataclasses import dataclass

from tracebreak.doctor import callers, checks, records, shared
from tracebreak.doctor.joins import BY_RECORD
from tracebreak.doctor.request import Request, request_ids
from tracebreak.doctor.spans import callee_names
from tracebreak.join_key import LOG_ATTRIBUTE, SPAN_KEYS
from tracebreak.traces.model import Span, Trace
from tracebreak.traces.query import QueryError
from tracebreak.traces.sources.read import TraceSource

HTTP_ROUTE = re.compile(r"[A-Z]+ /\S*")  # an HTTP server span's name: its method and route template
# Every fragment of a request begins within this of the request's start: within A's 5 s deadline for
# B (B waits 3 s for C; the audit task starts before the answer). Read this far before a moment, a
# window holds whole every request that was in flight then.
FRAGMENT_SPREAD_US = 10_000_000


@dataclass
class Collected:
    requests: list[Request]
    pending: list[Request]  # still receiving spans: judged on a later run
    unjoined: list[Trace]  # carrying no request id, naming no request's record: not judged per request

    def began_within(self, low: float, high: float = float("inf")) -> "Collected":
        """Only what began at `low` or later and before `high`: requests by their first span."""

        def began(spans: list[Span]) -> bool:
            return low <= min(span.start_us for span in spans) < high

        return Collected(
            [r for r in self.requests if began(r.spans)],
            [r for r in self.pending if began(r.spans)],
            [t for t in self.unjoined if began(t.spans)],
        )

    def checks(self) -> dict[str, list[str]]:
        """The join-free checks (checks.py) over every trace here, joined or not."""
        joined = [trace for request in self.requests + self.pending for trace in request.traces]
        return checks.found(joined + self.unjoined)


def collect(
    query: TraceSource, since_us: int, now_us: int, settle_us: int, keys: tuple[str, ...] = SPAN_KEYS
) -> Collected:
    """The window's traces and log records, joined into requests; those with spans newer than
    `settle_us` are still arriving, and left pending. The window is read first: some sources know
    their services and operations only from the traces they read."""
    traces = query.window(since_us, now_us)
    names, routes = traced(query, query.services())
    return join(traces, settle_us, now_us, read_logs(query, since_us, now_us), names, routes, keys)


def wait_for_requests(
    query: TraceSource,
    request_ids: set[str],
    since_us: int,
    timeout_s: float = 20,
    settle_us: int = 1_500_000,
) -> dict[str, Request]:
    """These requests, joined, once none of their spans is still arriving (or what there is at the
    deadline): what a test or the audit reads right after sending them."""
    deadline = time.monotonic() + timeout_s
    while True:
        collected = collect(query, since_us, time.time_ns() // 1000, settle_us)
        found = {r.request_id: r for r in collected.requests if r.request_id in request_ids}
        if set(found) == request_ids or time.monotonic() > deadline:
            return found
        time.sleep(0.2)  # polling while the last spans settle, bounded by the deadline


def traced(query: TraceSource, services: list[str]) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """What the backend's servers are called, read through its operations (see `traced_names`)."""
    return traced_names({service: query.operations(service, span_kind="server") for service in services})


def traced_names(operations: dict[str, list[str]]) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """Every service the backend knows and the operations its servers record (`operations`, per
    service): a CLIENT span whose callee is among them called something traced (a gRPC call's span
    shares its server's name); and per service, the HTTP routes among those operations
    ("GET /orders/{order_id}")."""
    names = set(operations).union(*operations.values())
    routes = {service: frozenset(filter(HTTP_ROUTE.fullmatch, ops)) for service, ops in operations.items()}
    return frozenset(names), routes


def read_logs(query: TraceSource, since_us: int, until_us: int) -> list[dict] | None:
    """The window's log records, or None where the source keeps no logs (a real Jaeger answers
    `/api/logs` with an error; other sources say None)."""
    try:
        return query.logs(start_us=since_us, end_us=until_us)
    except QueryError:
        return None


def join(
    traces: list[Trace],
    settle_us: int,
    now_us: int,
    logs: list[dict] | None = None,
    known: frozenset[str] = frozenset(),
    routes: dict[str, frozenset[str]] | None = None,
    keys: tuple[str, ...] = SPAN_KEYS,
) -> Collected:
    """Group traces by the request ids their spans carry under `keys`; traces that share one are one
    request. A trace with no id joins the request whose Kafka record it names (exact, records.py),
    or else, where it begins at a server, the request that was calling out then (probable,
    callers.py)."""
    pieces = _cut(traces, keys)
    names = known | frozenset(
        name
        for trace, _ in pieces
        for span in trace.spans
        if span.kind == "server"
        for name in callee_names(span)
    )
    groups = _connected(pieces)
    loose = [trace for trace, ids in pieces if not ids]
    ids_by_trace = {id(trace): ids for trace, ids in pieces}
    left = records.attach(groups, loose)
    still_loose = {id(t) for t in left}
    joins = {t.trace_id: BY_RECORD for t in loose if id(t) not in still_loose}
    unjoined, by_caller = callers.attach(groups, left, checks.callee_services([t for t, _ in pieces]))
    joins |= by_caller
    logs_by_request = _logs_by_request(logs or [])
    requests, pending = [], []
    for members in groups:
        request_id = min(rid for t in members for rid in ids_by_trace[id(t)])
        mine = {t.trace_id: joins[t.trace_id] for t in members if t.trace_id in joins}
        request = Request(request_id, members, logs_by_request.get(request_id), names, routes, mine)
        latest = max(span.end_us for span in request.spans)
        (pending if now_us - latest < settle_us else requests).append(request)
    return Collected(_in_order(requests), _in_order(pending), unjoined)


def _cut(traces: list[Trace], keys: tuple[str, ...]) -> list[tuple[Trace, set[str]]]:
    """The traces, a shared one cut into one piece per request (shared.py), each with the request ids
    its spans carry: every span's ids read once."""
    pieces: list[tuple[Trace, set[str]]] = []
    for trace in traces:
        if not trace.spans:
            continue
        found = {span.span_id: ids for span in trace.spans if (ids := request_ids(span, keys))}
        for piece in shared.cut(trace, {span_id: min(ids) for span_id, ids in found.items()}):
            pieces.append((piece, set().union(*(found.get(s.span_id, ()) for s in piece.spans))))
    return pieces


def _in_order(requests: list[Request]) -> list[Request]:
    """In the order they began, whatever order the source gave their traces in."""
    return sorted(requests, key=lambda r: (r.main.spans[0].start_us, r.request_id))


def _logs_by_request(logs: list[dict]) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for record in logs:
        request_id = (record.get("attributes") or {}).get(LOG_ATTRIBUTE)
        if request_id:
            found.setdefault(str(request_id), []).append(record)
    return found


def _connected(pieces: list[tuple[Trace, set[str]]]) -> list[list[Trace]]:
    """The traces that carry request ids, grouped where they share one (directly or through others)."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for index, (_, ids) in enumerate(pieces):
        for request_id in ids:
            parent[root(f"t:{index}")] = root(f"r:{request_id}")
    groups: dict[str, list[Trace]] = {}
    for index, (trace, ids) in enumerate(pieces):
        if ids:
            groups.setdefault(root(f"t:{index}"), []).append(trace)
    return list(groups.values())
