"""Jaeger v2's stable query API, `/api/v3`, over the store's database: services, operations, a trace,
a search. Answers as Jaeger's HTTP gateway does: `{"result": <OTLP TracesData>}` (otlp_json.py), and
`{"error": {…}}` with 400 for a bad parameter, 404 for nothing found."""

import json
import re
from datetime import datetime, timedelta
from typing import Any

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tracebreak.store.database import SpanQuery
from tracebreak.store.jaeger_api import DEFAULT_LIMIT, database, operations_of
from tracebreak.store.otlp_json import traces_data
from tracebreak.store.params import hex_trace_id, routes_of

EPOCH = datetime.fromisoformat("1970-01-01T00:00:00+00:00")
FRACTION = re.compile(r"(\.\d{6})\d+")  # RFC 3339 allows nanoseconds; Python reads six digits


def gateway_error(code: int, message: str) -> dict[str, Any]:
    return {"error": {"httpCode": code, "message": message}}


async def _services(request: Request) -> Response:
    return JSONResponse({"services": database(request).services()})


async def _operations(request: Request) -> Response:
    return JSONResponse({"operations": operations_of(request, "span_kind")})


async def _get_trace(request: Request) -> Response:
    rows = database(request).trace(hex_trace_id(request.path_params["trace_id"]))
    if not rows:
        raise LookupError("trace not found")
    return JSONResponse({"result": traces_data(rows)})


async def _find_traces(request: Request) -> Response:
    db = database(request)
    rows = [row for trace_id in db.find_trace_ids(_span_query(request)) for row in db.trace(trace_id)]
    if not rows:
        raise LookupError("no trace found")
    return JSONResponse({"result": traces_data(rows)})


def _param(params: QueryParams, name: str) -> str | None:
    """A parameter by its proto name (query.start_time_min), or by its JSON name (query.startTimeMin),
    which Jaeger's OpenAPI description uses: Jaeger's gateway takes either."""
    json_name = re.sub(r"_([a-z])", lambda m: m.group(1).upper(), name)
    return params.get(name) or params.get(json_name)


def _span_query(request: Request) -> SpanQuery:
    params = request.query_params
    service = _param(params, "query.service_name")
    if not service:
        raise ValueError("parameter 'query.service_name' is required")
    try:
        attributes = json.loads(_param(params, "query.attributes") or "{}")
    except json.JSONDecodeError:
        attributes = None
    if not isinstance(attributes, dict):
        raise ValueError("parameter 'query.attributes' must be a JSON object")
    depth = _param(params, "query.search_depth") or _param(params, "query.num_traces") or DEFAULT_LIMIT
    return SpanQuery(
        service=service,
        operation=_param(params, "query.operation_name") or None,
        tags={str(k): str(v) for k, v in attributes.items()},
        start_us=_time_us(params, "query.start_time_min"),
        end_us=_time_us(params, "query.start_time_max"),
        min_duration_us=None,
        max_duration_us=None,
        limit=_positive(str(depth), "query.search_depth"),
    )


def _time_us(params: QueryParams, name: str) -> int:
    text = _param(params, name)
    if not text:
        raise ValueError(f"parameter {name!r} is required, in RFC 3339 (2026-12-07T18:00:00Z)")
    try:
        moment = datetime.fromisoformat(FRACTION.sub(r"\1", text))
    except ValueError:
        raise ValueError(
            f"parameter {name!r} must be RFC 3339 (2026-12-07T18:00:00Z), got {text!r}"
        ) from None
    if moment.tzinfo is None:
        raise ValueError(f"parameter {name!r} needs its time zone (Z or an offset), got {text!r}")
    return (moment - EPOCH) // timedelta(microseconds=1)


def _positive(text: str, name: str) -> int:
    if not text.isdigit() or int(text) == 0:
        raise ValueError(f"parameter {name!r} must be a positive integer, got {text!r}")
    return int(text)


ROUTES = {
    "/api/v3/services": _services,
    "/api/v3/operations": _operations,
    "/api/v3/traces": _find_traces,
    "/api/v3/traces/{trace_id}": _get_trace,
}


def routes() -> list[Route]:
    return routes_of(ROUTES, gateway_error)
