"""Jaeger's query API over the store's database: services, operations, traces (one, or a search),
dependencies, and the store's own log records. Answers in Jaeger's JSON (jaeger.py)."""

import json
import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tracebreak.durations import parse_duration_us
from tracebreak.store import jaeger
from tracebreak.store.database import Database, SpanQuery
from tracebreak.store.params import hex_trace_id, integer, routes_of, window

DEFAULT_LOOKBACK_US = 2 * 24 * 3600 * 1_000_000  # Jaeger's default trace query lookback: two days
DEFAULT_LIMIT = 100


def database(request: Request) -> Database:
    return request.app.state.db


async def _services(request: Request) -> Response:
    names = database(request).services()
    return JSONResponse(jaeger.envelope(names, len(names)))


async def _service_operations(request: Request) -> Response:
    names = sorted({name for name, _ in database(request).operations(request.path_params["service"])})
    return JSONResponse(jaeger.envelope(names, len(names)))


def operations_of(request: Request, kind_parameter: str) -> list[dict[str, str]]:
    """The `service` parameter's operations and their span kinds, those of the kind asked for only
    (both APIs take the same query; they name the kind's parameter apart)."""
    service = request.query_params.get("service")
    if not service:
        raise ValueError("parameter 'service' is required")
    kind = request.query_params.get(kind_parameter)
    return [
        {"name": name, "spanKind": span_kind}
        for name, span_kind in database(request).operations(service)
        if not kind or kind == span_kind
    ]


async def _operations(request: Request) -> Response:
    found = operations_of(request, "spanKind")
    return JSONResponse(jaeger.envelope(found, len(found)))


async def _get_trace(request: Request) -> Response:
    trace_id = hex_trace_id(request.path_params["trace_id"])
    rows = database(request).trace(trace_id)
    if not rows:
        return JSONResponse(jaeger.error(404, "trace not found"), status_code=404)
    return JSONResponse(jaeger.envelope([jaeger.trace(trace_id, rows)]))


async def _find_traces(request: Request) -> Response:
    db = database(request)
    wanted = request.query_params.getlist("traceID")
    trace_ids = [hex_trace_id(t) for t in wanted] if wanted else db.find_trace_ids(_span_query(request))
    found = [jaeger.trace(t, rows) for t in trace_ids if (rows := db.trace(t))]
    return JSONResponse(jaeger.envelope(found))


async def _logs(request: Request) -> Response:
    """The log records of a trace (traceID), or of a time window (start and end, in µs)."""
    params, db = request.query_params, database(request)
    if params.get("traceID"):
        rows = db.logs(hex_trace_id(params["traceID"]))
    elif params.get("start") and params.get("end"):
        rows = db.logs_between(integer(params, "start", 0), integer(params, "end", 0))
    else:
        raise ValueError("give traceID, or start and end (microseconds since the epoch)")
    return JSONResponse(jaeger.envelope(jaeger.log_records(rows)))


async def _dependencies(request: Request) -> Response:
    """Jaeger's `/api/dependencies`: endTs and lookback in milliseconds (default: the last hour)."""
    params, db = request.query_params, database(request)
    end_ms = integer(params, "endTs", time.time_ns() // 1_000_000)
    lookback_ms = integer(params, "lookback", 3_600_000)
    links = db.dependencies(max(0, end_ms - lookback_ms) * 1000, end_ms * 1000)
    return JSONResponse(jaeger.envelope([{"parent": p, "child": c, "callCount": n} for p, c, n in links]))


def _span_query(request: Request) -> SpanQuery:
    params = request.query_params
    service = params.get("service")
    if not service:
        raise ValueError("parameter 'service' is required")
    start_us, end_us = window(params, DEFAULT_LOOKBACK_US)
    tags: dict[str, str] = {}
    if params.get("tags"):
        try:
            parsed = json.loads(params["tags"])
        except json.JSONDecodeError as error:
            raise ValueError(f"malformed 'tags' parameter, expecting a JSON object: {error}") from error
        if not isinstance(parsed, dict):
            raise ValueError("malformed 'tags' parameter, expecting a JSON object")
        tags.update({str(k): str(v) for k, v in parsed.items()})
    for pair in params.getlist("tag"):
        key, sep, value = pair.partition(":")
        if not sep:
            raise ValueError(f"malformed 'tag' parameter {pair!r}, expecting key:value")
        tags[key] = value
    min_duration, max_duration = params.get("minDuration"), params.get("maxDuration")
    return SpanQuery(
        service=service,
        operation=params.get("operation") or None,
        tags=tags,
        start_us=start_us,
        end_us=end_us,
        min_duration_us=parse_duration_us(min_duration) if min_duration else None,
        max_duration_us=parse_duration_us(max_duration) if max_duration else None,
        limit=integer(params, "limit", DEFAULT_LIMIT) or DEFAULT_LIMIT,
    )


ROUTES = {
    "/api/services": _services,
    "/api/services/{service}/operations": _service_operations,
    "/api/operations": _operations,
    "/api/traces": _find_traces,
    "/api/traces/{trace_id}": _get_trace,
    "/api/logs": _logs,
    "/api/dependencies": _dependencies,
}


def routes() -> list[Route]:
    return routes_of(ROUTES, jaeger.error)
