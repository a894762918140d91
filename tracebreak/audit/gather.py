"""What the audit looks at, gathered once: one synthetic request (captured on the wire where tshark
may), its traces and log lines in the backend, the services' source linted, the toggles in force."""

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from services.service_a.client import RequestResult, send_traced
from tracebreak.audit import logs
from tracebreak.chaos.command import current
from tracebreak.doctor.collect import wait_for_requests
from tracebreak.doctor.request import Request
from tracebreak.lint import LintResult, check
from tracebreak.traces.query import QueryError, TraceQuery
from tracebreak.wire import session
from tracebreak.wire.hops import Layout, RequestWire
from tracebreak.wire.tshark import WireError

ROOT = Path(__file__).resolve().parents[2]
# tracebreak's own services, where the audit runs from a checkout: what `lint` reads by default.
OWN_SOURCE = (ROOT / "services", ROOT / "tracebreak" / "runtime", ROOT / "envoy" / "envoy.template.yaml")


@dataclass
class Sources:
    edge_url: str
    traces_url: str
    envoy_admin: str
    flags: Path
    layout: Layout
    interface: str = "lo"
    source: list[Path] = field(default_factory=list)
    collector: Path | None = None
    logs_dir: Path | None = None
    loki_url: str | None = None
    order_id: str = "42"
    # How long the traces may take to show: a collector with tail sampling holds them for its decision_wait.
    wait_s: float = 20


@dataclass
class Observed:
    sent: RequestResult
    wire: RequestWire | None = None
    request: Request | None = None  # the synthetic request's traces, joined
    logs: list[dict[str, Any]] | None = None  # its log lines: {"service", "trace_id", "body"}
    lint: LintResult | None = None
    toggles: dict[str, Any] | None = None
    collector: Path | None = None
    skipped: dict[str, str] = field(default_factory=dict)  # what could not be looked at, and why


def observe(sources: Sources) -> Observed:
    since_us = time.time_ns() // 1000 - 1_000_000
    observed = _send(sources)
    observed.request = _traces(sources, observed, since_us)
    observed.logs = _logs(sources, observed)
    observed.lint = _lint(sources, observed)
    observed.collector = sources.collector
    try:
        observed.toggles = current(sources.flags, sources.envoy_admin)
    except ValueError as error:
        observed.skipped["toggles"] = f"the chaos toggles could not be read: {error}"
    return observed


def _send(sources: Sources) -> Observed:
    """The synthetic request, captured on the wire if tshark may; sent without a capture if tshark
    cannot start, and judged without one if the capture failed once it had been sent."""
    try:
        sent, wire = session.one_request(
            sources.layout, sources.interface, sources.edge_url, sources.order_id
        )
        return Observed(sent, wire=wire)
    except session.CaptureFailed as failed:
        # Not sent again: a process sets the client's telemetry up once (telemetry.setup_client).
        return Observed(failed.sent, skipped={"wire": str(failed)})
    except WireError as error:
        skipped = str(error)
    return Observed(send_traced(sources.edge_url, sources.order_id), skipped={"wire": skipped})


def _traces(sources: Sources, observed: Observed, since_us: int) -> Request | None:
    request_id = observed.sent.request_id
    if not request_id:
        observed.skipped["traces"] = "the edge's answer carried no x-request-id to find the traces by"
        return None
    query = TraceQuery(sources.traces_url)
    try:
        return wait_for_requests(query, {request_id}, since_us, sources.wait_s).get(request_id)
    except QueryError as error:
        observed.skipped["traces"] = str(error)
        return None
    finally:
        query.close()


def _logs(sources: Sources, observed: Observed) -> list[dict[str, Any]] | None:
    request_id = observed.sent.request_id
    if not request_id:
        observed.skipped["logs"] = "no request id to find the log lines by"
        return None
    try:
        if sources.loki_url:
            return logs.from_loki(sources.loki_url, request_id)
        if sources.logs_dir:
            return logs.from_files(sources.logs_dir, request_id)
        found = logs.from_store(sources.traces_url, request_id)
    except QueryError as error:
        observed.skipped["logs"] = str(error)
        return None
    if found is None:
        observed.skipped["logs"] = (
            f"{sources.traces_url} keeps no logs (a Jaeger): give --loki URL or --logs-dir DIR"
        )
    return found


def _lint(sources: Sources, observed: Observed) -> LintResult | None:
    paths = sources.source or [path for path in OWN_SOURCE if path.exists()]
    if not paths:
        observed.skipped["lint"] = "no source to lint here: give the services' code with --source-dir"
        return None
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        observed.skipped["lint"] = f"no such source: {', '.join(missing)}"
        return None
    return check(paths, base=ROOT if not sources.source else Path.cwd())
