"""Stored spans as OTLP JSON (`TracesData`, hex ids, integer enums): what Jaeger v2's `/api/v3`
answers, and what the store's own `/api/v3` gives back, so one reader works against both."""

import json
import math
import sqlite3
from typing import Any

from tracebreak.traces.model import tags_of
from tracebreak.traces.otlp import SPAN_KINDS, STATUS_CODES

KIND_NUMBERS = {name: number for number, name in SPAN_KINDS.items()}
STATUS_NUMBERS = {name: number for number, name in STATUS_CODES.items()}
NON_FINITE = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}
# Tags the decoder made from the span's own fields (kind, status, scope): given back as those fields.
DERIVED = (
    "span.kind",
    "otel.status_code",
    "otel.status_description",
    "otel.scope.name",
    "otel.scope.version",
)


def traces_data(rows: list[sqlite3.Row]) -> dict[str, Any]:
    """Spans of one or more traces, grouped by resource (service and its attributes) and scope."""
    resources: dict[tuple[str, str], dict[tuple[str, str], list[dict[str, Any]]]] = {}
    for row in rows:
        tags = json.loads(row["tags"])
        scope = (str(tags.get("otel.scope.name", "")), str(tags.get("otel.scope.version", "")))
        resources.setdefault((row["service"], row["process_tags"]), {}).setdefault(scope, []).append(
            span(row, tags)
        )
    return {
        "resourceSpans": [
            {
                "resource": {"attributes": resource_attributes(service, process_tags)},
                "scopeSpans": [
                    {"scope": {"name": name, "version": version}, "spans": spans}
                    for (name, version), spans in scopes.items()
                ],
            }
            for (service, process_tags), scopes in resources.items()
        ]
    }


def span(row: sqlite3.Row, tags: dict[str, Any]) -> dict[str, Any]:
    start_ns = row["start_us"] * 1000
    status = {"code": STATUS_NUMBERS.get(str(tags.get("otel.status_code")), 0)}
    if "otel.status_description" in tags:
        status["message"] = str(tags["otel.status_description"])
    derived_error = status["code"] == STATUS_NUMBERS["ERROR"] and tags.get("error") is True
    return {
        "traceId": row["trace_id"],
        "spanId": row["span_id"],
        "parentSpanId": row["parent_span_id"],
        "name": row["operation"],
        "kind": KIND_NUMBERS.get(row["kind"], 0),
        "startTimeUnixNano": str(start_ns),
        "endTimeUnixNano": str(start_ns + row["duration_us"] * 1000),
        "attributes": [
            attribute(key, value)
            for key, value in tags.items()
            if key not in DERIVED and not (key == "error" and derived_error)
        ],
        "events": [event(log) for log in json.loads(row["logs"])],
        "links": [
            {"traceId": ref["traceID"], "spanId": ref["spanID"]}
            for ref in json.loads(row["refs"])
            if ref.get("refType") == "FOLLOWS_FROM"
        ],
        "status": status,
    }


def event(log: dict[str, Any]) -> dict[str, Any]:
    fields = tags_of(log.get("fields") or [])
    name = str(fields.pop("event", ""))
    return {
        "timeUnixNano": str(int(log.get("timestamp") or 0) * 1000),
        "name": name,
        "attributes": [attribute(key, value) for key, value in fields.items()],
    }


def resource_attributes(service: str, process_tags: str) -> list[dict[str, Any]]:
    tags = tags_of(json.loads(process_tags))  # unique keys: the decoder kept one value a key
    return [attribute("service.name", service), *(attribute(key, value) for key, value in tags.items())]


def attribute(key: str, value: Any) -> dict[str, Any]:
    return {"key": key, "value": any_value(value)}


def any_value(value: Any) -> dict[str, Any]:
    """OTLP's AnyValue for a decoded attribute (64-bit integers as strings, as OTLP JSON writes them)."""
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int):
        return {"intValue": str(value)}
    if isinstance(value, float):  # NaN and infinities as proto3 JSON spells them: JSON has no such number
        return {"doubleValue": value if math.isfinite(value) else NON_FINITE[str(value)]}
    if isinstance(value, list):
        return {"arrayValue": {"values": [any_value(item) for item in value]}}
    if isinstance(value, dict):
        return {"kvlistValue": {"values": [attribute(str(k), v) for k, v in value.items()]}}
    return {"stringValue": "" if value is None else str(value)}
