"""The synthetic request's log lines, from wherever they are kept: the trace store (local), the
services' JSON log files, or Loki (docker compose). Each as {"service", "trace_id", "body"}."""

import json
import time
from pathlib import Path
from typing import Any

import httpx

from tracebreak.join_key import LOG_ATTRIBUTE
from tracebreak.traces.query import QueryError, TraceQuery

EMPTY_TRACE_IDS = ("", "0", "0" * 32)  # what a record written outside any span says
LOKI_QUERY = '{{service_name=~".+"}} | request_id = "{request_id}"'
WINDOW_S = 300


def empty(trace_id: object) -> bool:
    return trace_id is None or str(trace_id) in EMPTY_TRACE_IDS


def from_store(traces_url: str, request_id: str) -> list[dict[str, Any]] | None:
    """None where the backend keeps no logs (a real Jaeger)."""
    query = TraceQuery(traces_url)
    now_us = time.time_ns() // 1000
    try:
        records = query.logs(start_us=now_us - WINDOW_S * 1_000_000, end_us=now_us)
    except QueryError:
        return None
    finally:
        query.close()
    return [
        {"service": r.get("serviceName"), "trace_id": r.get("traceID"), "body": r.get("body")}
        for r in records
        if (r.get("attributes") or {}).get(LOG_ATTRIBUTE) == request_id
    ]


def from_files(folder: Path, request_id: str) -> list[dict[str, Any]]:
    """The JSON lines of every *.log file in `folder` (the local stack's logs/) for the request."""
    found = []
    for path in sorted(folder.glob("*.log")):
        for line in path.read_text(errors="replace").splitlines():
            if request_id not in line:
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue  # not a JSON line (a broker's or Envoy's own log)
            if record.get(LOG_ATTRIBUTE) == request_id:
                found.append(
                    {
                        "service": record.get("service.name"),
                        "trace_id": record.get("trace_id"),
                        "body": record.get("message"),
                    }
                )
    return found


def from_loki(loki_url: str, request_id: str) -> list[dict[str, Any]]:
    """Loki keeps the OTLP attributes as structured metadata: a stream's labels carry them."""
    now_ns = time.time_ns()
    params = {
        "query": LOKI_QUERY.format(request_id=request_id),
        "start": str(now_ns - WINDOW_S * 1_000_000_000),
        "end": str(now_ns),
        "limit": "1000",
    }
    try:
        response = httpx.get(f"{loki_url.rstrip('/')}/loki/api/v1/query_range", params=params, timeout=10)
        response.raise_for_status()
        streams = response.json()["data"]["result"]
    except (httpx.HTTPError, ValueError, KeyError) as error:
        raise QueryError(f"Loki at {loki_url} did not answer the log query: {error!r}") from error
    return [
        {"service": s["stream"].get("service_name"), "trace_id": s["stream"].get("trace_id"), "body": line}
        for s in streams
        for _, line in s.get("values", [])
    ]
