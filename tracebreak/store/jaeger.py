"""Jaeger's query-API JSON: the response envelope and the trace shape its UI and clients read."""

import json
import sqlite3
from typing import Any

from tracebreak.traces.model import tag


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
                "tags": [tag(key, value) for key, value in json.loads(row["tags"]).items()],
                "logs": json.loads(row["logs"]),
                "processID": process_ids[key],
                "warnings": None,
                "flags": 1,
            }
        )
    return {"traceID": trace_id, "spans": spans, "processes": processes, "warnings": None}


def log_records(rows: list[sqlite3.Row]) -> list[dict[str, Any]]:
    """Stored log records, as `/api/logs` answers them (Jaeger keeps no logs: the shape is the store's);
    their attributes decoded in one pass."""
    attributes = json.loads("[" + ",".join(row["attributes"] for row in rows) + "]")
    return [
        {
            "timestamp": row["time_us"],
            "traceID": row["trace_id"],
            "spanID": row["span_id"],
            "serviceName": row["service"],
            "severity": row["severity"],
            "body": row["body"],
            "attributes": found,
        }
        for row, found in zip(rows, attributes, strict=True)
    ]
