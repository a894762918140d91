"""Jaeger's query-API JSON: the response envelope and the trace shape its UI and clients read."""

import json
import re
import sqlite3
from typing import Any


def envelope(data: Any, total: int = 0) -> dict[str, Any]:
    """Jaeger counts `total` for services and operations, and leaves it 0 for traces."""
    return {"data": data, "total": total, "limit": 0, "offset": 0, "errors": None}


def error(code: int, message: str) -> dict[str, Any]:
    return {"data": None, "total": 0, "limit": 0, "offset": 0, "errors": [{"code": code, "msg": message}]}


def trace(trace_id: str, rows: list[sqlite3.Row]) -> dict[str, Any]:
    """One trace as Jaeger returns it: spans pointing at a table of processes (service + resource)."""
    processes: dict[str, dict[str, Any]] = {}
    process_ids: dict[tuple[str, str], str] = {}
    spans = []
    for row in rows:
        key = (row["service"], row["process_tags"])
        if key not in process_ids:
            process_ids[key] = f"p{len(process_ids) + 1}"
            processes[process_ids[key]] = {
                "serviceName": row["service"],
                "tags": json.loads(row["process_tags"]),
            }
        spans.append(
            {
                "traceID": trace_id,
                "spanID": row["span_id"],
                "operationName": row["operation"],
                "references": json.loads(row["refs"]),
                "startTime": row["start_us"],
                "duration": row["duration_us"],
                "tags": json.loads(row["tags"]),
                "logs": json.loads(row["logs"]),
                "processID": process_ids[key],
                "warnings": None,
                "flags": 1,
            }
        )
    return {"traceID": trace_id, "spans": spans, "processes": processes, "warnings": None}


_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_MICROSECONDS = {
    "ns": 0.001,
    "us": 1,
    "µs": 1,
    "ms": 1_000,
    "s": 1_000_000,
    "m": 60_000_000,
    "h": 3_600_000_000,
}


# The store keeps times and durations in SQLite's signed 64-bit integers.
MAX_INT64 = 2**63 - 1


def parse_duration_us(text: str) -> int:
    """A Go duration string, as Jaeger takes it ("100ms", "1h30m", "1.5s"), in microseconds."""
    parts = _DURATION.findall(text)
    if not parts or "".join(number + unit for number, unit in parts) != text:
        raise ValueError(f"{text!r} is not a duration; write it like 100ms, 2s, 10m or 1h")
    micros = int(sum(float(number) * _MICROSECONDS[unit] for number, unit in parts))
    if micros > MAX_INT64:
        raise ValueError(f"{text!r} is longer than any trace can be")
    return micros
