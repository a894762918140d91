"""`tracebreak doctor`: the verdict on every request in a window, as a table or as JSON."""

import argparse
import json
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from tracebreak import resets
from tracebreak import signatures as sig
from tracebreak.doctor import checks, debt, drawing
from tracebreak.doctor.collect import FRAGMENT_SPREAD_US, Collected, collect
from tracebreak.doctor.findings import Finding
from tracebreak.doctor.links import by_link
from tracebreak.doctor.origins import ErrorOrigin, error_origin
from tracebreak.doctor.request import Request
from tracebreak.doctor.rules import diagnose
from tracebreak.doctor.spans import http_status
from tracebreak.drill import state
from tracebreak.durations import parse_duration_us
from tracebreak.join_key import SPAN_KEYS
from tracebreak.traces.model import Trace
from tracebreak.traces.sources import HELP as SOURCE_HELP
from tracebreak.traces.sources import open_source
from tracebreak.traces.sources.narrowed import narrowed, resource_filter
from tracebreak.traces.sources.read import TraceSource

DEFAULT_SINCE = "10m"
DEFAULT_SETTLE = "6s"  # SDKs export every 5 s


@dataclass
class Verdict:
    request: Request
    findings: list[Finding]

    @property
    def whole(self) -> bool:
        return not self.findings

    @property
    def whole_by_link(self) -> bool:
        """Whole, with a fragment joined to it by a link (a batch's trace), not by its context."""
        return self.whole and by_link(self.request)

    @cached_property
    def origin(self) -> ErrorOrigin | None:
        return error_origin(self.request)

    @cached_property
    def signatures(self) -> set[str]:
        return {f.signature.name for f in self.findings}

    @property
    def origin_hidden(self) -> bool:
        return sig.HIDDEN_ERROR_ORIGIN.name in self.signatures

    def as_dict(self) -> dict[str, Any]:
        origin, spans = self.origin, self.request.spans
        start_us = min(span.start_us for span in spans)
        fragment_spans, fragment_bytes = debt.fragments(self.request)
        return {
            "request_id": self.request.request_id,
            "trace_ids": [trace.trace_id for trace in self.request.traces],
            # What a list of requests shows and filters on (the web view's search).
            "start_us": start_us,
            "duration_us": max(span.end_us for span in spans) - start_us,
            "status": answered(self.request.main),
            "spans": len(spans),
            "fragment_spans": fragment_spans,
            "fragment_bytes": fragment_bytes,
            "services": sorted({span.service for span in spans}),
            "operations": sorted({span.operation for span in spans}),
            "whole": self.whole,
            "whole_by_link": self.whole_by_link,
            "signatures": sorted(self.signatures),
            "findings": [self._joined(f.as_dict()) for f in self.findings],
            # How each fragment that carries no request id was joined to the request, and how surely.
            "joins": {trace_id: join.__dict__ for trace_id, join in self.request.joins.items()},
            "failed": origin is not None,
            "error_origin": None if origin is None or self.origin_hidden else origin.__dict__,
        }

    def _joined(self, finding: dict[str, Any]) -> dict[str, Any]:
        """A finding's evidence says how its fragments were joined, where not by their request id."""
        joins = self.request.joins
        if said := {t: joins[t].said() for t in finding["evidence"]["trace_ids"] if t in joins}:
            finding["evidence"]["joined"] = said
        return finding


def answered(trace: Trace) -> int | None:
    """The HTTP status the request was answered with: the first span of its trace that records one
    (one pass, no sort: every request of a window is asked)."""
    recorded = [(span.start_us, status) for span in trace.spans if (status := http_status(span)) is not None]
    return min(recorded)[1] if recorded else None


def examine(collected: Collected) -> list[Verdict]:
    return [Verdict(request, diagnose(request)) for request in collected.requests]


def totals(requests: list[dict[str, Any]], pending: int, unjoined: int) -> dict[str, Any]:
    """The window's figures, from the judged requests as JSON (so parts judged apart add up)."""
    seen = len(requests)
    whole = sum(r["whole"] for r in requests)
    failed = [r for r in requests if r["failed"]]
    hidden = [r for r in failed if sig.HIDDEN_ERROR_ORIGIN.name in r["signatures"]]
    ghosts = sum(
        len(f["evidence"]["span_ids"])
        for r in requests
        for f in r["findings"]
        if f["signature"] == sig.GHOST_SPAN.name
    )
    return {
        "requests": seen,
        "whole": whole,
        "whole_percent": round(100 * whole / seen, 2) if seen else 100.0,
        "whole_by_link": sum(r.get("whole_by_link", False) for r in requests),
        "broken": seen - whole,
        "fragments_per_request": round(sum(len(r["trace_ids"]) for r in requests) / seen, 3) if seen else 0,
        "ghost_spans": ghosts,
        "failed_requests": len(failed),
        "errors_with_hidden_origin": len(hidden),
        "pending_requests": pending,
        "traces_without_request_id": unjoined,
        "by_signature": {s.name: sum(s.name in r["signatures"] for r in requests) for s in sig.SIGNATURES},
        **debt.owed(requests),
    }


def verdict(collected: Collected, source: str, took_seconds: float) -> dict[str, Any]:
    """What `tracebreak doctor --json` prints: every request judged, and the totals."""
    requests = [v.as_dict() for v in examine(collected)]
    return document(
        requests, len(collected.pending), len(collected.unjoined), source, took_seconds, [collected.checks()]
    )


def document(
    requests: list[dict[str, Any]],
    pending: int,
    unjoined: int,
    source: str,
    took_seconds: float,
    parts_checks: list[dict[str, list[str]]] | None = None,
) -> dict[str, Any]:
    """The verdict document; `parts_checks`: the join-free checks of each part of the window."""
    summary = totals(requests, pending, unjoined)
    summary["checks"] = checks.summed(parts_checks or [])
    summary["took_seconds"] = round(took_seconds, 3)
    return {"source": source, "requests": requests, "totals": summary}


def window_params(
    since_us: int, until_us: int, settle_us: int, began_us: int | None = None
) -> dict[str, Any]:
    """The window and settle time as the store's `/api/doctor` takes them."""
    began = {} if began_us is None else {"began_after": began_us}
    return {"start": since_us, "end": until_us, "settle": f"{settle_us}us", **began}


def window_start(since: str, folder: Path, now_us: int) -> tuple[int, int | None]:
    """Where `--since` starts the window, and the moment its requests must have begun at (None: any
    request with a span in the window). `reset`: the last `tracebreak chaos reset`, the window read
    from before it so that a request in flight then is seen whole, and left out."""
    if since == resets.SINCE_RESET:
        began_us = resets.last(folder)
        return began_us - FRAGMENT_SPREAD_US, began_us
    try:
        return now_us - parse_duration_us(since), None
    except ValueError as error:
        raise ValueError(f"--since: {error}; or reset (since the last `tracebreak chaos reset`)") from None


def judge(
    query: TraceSource,
    since_us: int,
    now_us: int,
    settle_us: int,
    began_us: int | None = None,
    keys: tuple[str, ...] = SPAN_KEYS,
) -> dict[str, Any]:
    """The verdict over a window (with `began_us`, on the requests that began then or later only):
    tracebreak's store, read through its `/api`, judges where the spans are (no JSON round trip);
    any other source (Jaeger's v1 or v3 API, Tempo, OTLP files) is read through its own API, each
    trace once, and judged here, as is the store's window when the join is by other keys (the store
    indexes the default ones)."""
    started = time.monotonic()
    found = query.judged(window_params(since_us, now_us, settle_us, began_us)) if keys == SPAN_KEYS else None
    if found is None:
        collected = collect(query, since_us, now_us, settle_us, keys)
        if began_us is not None:
            collected = collected.began_within(began_us)
        found = verdict(collected, query.base_url, 0)
    found["source"] = query.base_url
    found["totals"]["took_seconds"] = round(time.monotonic() - started, 3)
    return found


def run(args: argparse.Namespace) -> int:
    if state.said_silent(args.data_folder, args.json):
        return 0
    if args.show < 0:
        raise ValueError(f"--show takes how many broken requests to list, 0 or more, not {args.show}")
    if args.at_rps is not None and args.at_rps <= 0:
        raise ValueError(f"--at-rps takes a rate in requests per second above 0, not {args.at_rps:g}")
    fail_on = {name.strip() for name in (args.fail_on or "").split(",") if name.strip()}
    known = sig.SIGNATURES_BY_NAME
    if unknown := fail_on - set(known) - {"any"}:
        raise ValueError(
            f"--fail-on: unknown signature(s) {', '.join(sorted(unknown))}; known: {', '.join(known)}"
        )
    now_us = time.time_ns() // 1000
    since_us, began_us = window_start(args.since, args.data_folder, now_us)
    wanted = resource_filter(args.resource)
    query = narrowed(open_source(args.source, timeout_s=60, resource=wanted), wanted)
    try:
        found = judge(
            query, since_us, now_us, parse_duration_us(args.settle), began_us, join_keys(args.join_by)
        )
    finally:
        query.close()
    if args.at_rps is not None:
        found["totals"]["at_rate"] = debt.at_rate(found["totals"], args.at_rps)
    if args.json:
        print(json.dumps(found))
    else:
        drawing.draw(found, args)
    hit = {name for request in found["requests"] for name in request["signatures"]}
    return 1 if ("any" in fail_on and hit) or (fail_on & hit) else 0


def join_keys(given: str | None) -> tuple[str, ...]:
    """`--join-by`'s names, in order; the default ones where none is given."""
    if given is None:
        return SPAN_KEYS
    names = tuple(name.strip() for name in given.split(",") if name.strip())
    if not names:
        raise ValueError("--join-by takes span attribute names, comma-separated, e.g. app.request_id")
    return names


def add_parser(commands: argparse._SubParsersAction, source_default: str) -> None:
    doctor = commands.add_parser("doctor", help="find fractured traces and name what broke them")
    doctor.add_argument(
        "--since",
        default=DEFAULT_SINCE,
        help="how far back to look, e.g. 90s, 10m, 2h (default 10m); or reset: only the requests sent"
        " since the last `tracebreak chaos reset` (one in flight then is left out)",
    )
    doctor.add_argument("--source", default=source_default, help=f"{SOURCE_HELP} (default {source_default})")
    doctor.add_argument(
        "--settle",
        default=DEFAULT_SETTLE,
        help="leave requests with spans this recent, still arriving (default 6s: SDKs export every 5 s)",
    )
    doctor.add_argument("--json", action="store_true", help="one JSON object: requests and totals")
    doctor.add_argument(
        "--fail-on", help="exit 1 if any request shows one of these signatures (comma list, or any)"
    )
    doctor.add_argument(
        "--show", type=int, default=20, help="broken requests to list on a terminal (default 20)"
    )
    doctor.add_argument(
        "--at-rps",
        type=float,
        help="say what the window's fragments come to a day at this many requests a second (spans, bytes)",
    )
    doctor.add_argument(
        "--join-by",
        help="the span attributes a request's id is recorded under, comma-separated (default: "
        f"{', '.join(SPAN_KEYS)}); a baggage key the services copy onto their spans works alike. "
        "Fragments with none are joined by Kafka record (exact) or by caller and time (probable)",
    )
    doctor.add_argument(
        "--resource",
        action="append",
        metavar="KEY=VALUE",
        help="only the traces with a span from this resource, e.g. k8s.namespace.name=trainee-07 (one"
        " trainee of a workshop room); repeat it, or comma-separate, for several attributes at once",
    )
    doctor.set_defaults(run=run)
