"""The store's two HTTP faces: the OTLP/HTTP receiver (4318) and Jaeger's query API (16686)."""

import asyncio
import gzip
import json
import logging
import time
import zlib
from collections.abc import Awaitable, Callable
from typing import Any

from google.rpc.status_pb2 import Status
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceResponse
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse
from starlette.applications import Starlette
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tracebreak.doctor import report as doctor_report
from tracebreak.drill import state as drill_state
from tracebreak.durations import MAX_INT64, parse_duration_us
from tracebreak.store import jaeger
from tracebreak.store.database import Database, SpanQuery
from tracebreak.store.judges import Judges
from tracebreak.store.otlp import JSON, PROTOBUF, PayloadError, decode_logs, decode_traces
from tracebreak.web import pages
from tracebreak.web.chaos_api import ChaosPanel
from tracebreak.web.lab_api import LabPanel

log = logging.getLogger("tracebreak.store")

DEFAULT_MAX_BODY = 16 * 1024 * 1024
DEFAULT_LOOKBACK_US = 2 * 24 * 3600 * 1_000_000  # Jaeger's default trace query lookback: two days
DEFAULT_LIMIT = 100
INVALID_ARGUMENT = 3  # google.rpc.Code


class TooLarge(Exception):
    pass


def ingest_app(db: Database, max_body: int = DEFAULT_MAX_BODY) -> Starlette:
    async def receive(request: Request, decode: Callable, store: Callable, ok: bytes) -> Response:
        content_type = request.headers.get("content-type", "")
        as_json = content_type.split(";")[0].strip().lower() == JSON
        try:
            body = await _read_body(request, max_body)
            rows = decode(body, content_type)
        except TooLarge:
            return _otlp_error(413, f"body larger than {max_body} bytes; send smaller batches", as_json)
        except PayloadError as error:
            return _otlp_error(400, str(error), as_json)
        store(rows)
        if as_json:
            return JSONResponse({})
        return Response(ok, media_type=PROTOBUF)

    async def traces(request: Request) -> Response:
        return await receive(
            request, decode_traces, db.add_spans, ExportTraceServiceResponse().SerializeToString()
        )

    async def logs(request: Request) -> Response:
        return await receive(
            request, decode_logs, db.add_logs, ExportLogsServiceResponse().SerializeToString()
        )

    return Starlette(
        routes=[Route("/v1/traces", traces, methods=["POST"]), Route("/v1/logs", logs, methods=["POST"])]
    )


async def _read_body(request: Request, max_body: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_body:
        raise TooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_body:
            raise TooLarge
        chunks.append(chunk)
    body = b"".join(chunks)
    encoding = request.headers.get("content-encoding", "identity").lower()
    if encoding == "gzip":
        try:
            decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            body = decompressor.decompress(body, max_body + 1)
        except (zlib.error, gzip.BadGzipFile) as error:
            raise PayloadError(f"Content-Encoding is gzip but the body is not: {error}") from error
        if len(body) > max_body:
            raise TooLarge
    elif encoding != "identity":
        raise PayloadError(f"unsupported Content-Encoding {encoding!r}: send gzip or none")
    return body


def _otlp_error(status: int, reason: str, as_json: bool) -> Response:
    """OTLP/HTTP answers a rejected request with a google.rpc.Status in the request's encoding."""
    log.warning("rejected OTLP request: %s", reason)
    if as_json:
        return JSONResponse({"code": INVALID_ARGUMENT, "message": reason}, status_code=status)
    message = Status(code=INVALID_ARGUMENT, message=reason).SerializeToString()
    return Response(message, status_code=status, media_type=PROTOBUF)


Handler = Callable[[Request], Awaitable[Response]]


def _bad_request_as_jaeger(handler: Handler) -> Handler:
    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except ValueError as problem:
            return JSONResponse(jaeger.error(400, str(problem)), status_code=400)
        except LookupError as problem:
            return JSONResponse(jaeger.error(404, str(problem)), status_code=404)

    return wrapped


def _db(request: Request) -> Database:
    return request.app.state.db


async def _services(request: Request) -> Response:
    names = _db(request).services()
    return JSONResponse(jaeger.envelope(names, len(names)))


async def _service_operations(request: Request) -> Response:
    names = sorted({name for name, _ in _db(request).operations(request.path_params["service"])})
    return JSONResponse(jaeger.envelope(names, len(names)))


async def _operations(request: Request) -> Response:
    service = request.query_params.get("service")
    if not service:
        raise ValueError("parameter 'service' is required")
    kind = request.query_params.get("spanKind")
    found = [
        {"name": name, "spanKind": span_kind}
        for name, span_kind in _db(request).operations(service)
        if not kind or kind == span_kind
    ]
    return JSONResponse(jaeger.envelope(found, len(found)))


async def _get_trace(request: Request) -> Response:
    trace_id = _trace_id(request.path_params["trace_id"])
    rows = _db(request).trace(trace_id)
    if not rows:
        return JSONResponse(jaeger.error(404, "trace not found"), status_code=404)
    return JSONResponse(jaeger.envelope([jaeger.trace(trace_id, rows)]))


async def _find_traces(request: Request) -> Response:
    db = _db(request)
    wanted = request.query_params.getlist("traceID")
    trace_ids = [_trace_id(t) for t in wanted] if wanted else db.find_trace_ids(_span_query(request))
    found = [jaeger.trace(t, rows) for t in trace_ids if (rows := db.trace(t))]
    return JSONResponse(jaeger.envelope(found))


async def _logs(request: Request) -> Response:
    """The log records of a trace (traceID), or of a time window (start and end, in µs)."""
    params, db = request.query_params, _db(request)
    if params.get("traceID"):
        rows = db.logs(_trace_id(params["traceID"]))
    elif params.get("start") and params.get("end"):
        rows = db.logs_between(_int(params, "start", 0), _int(params, "end", 0))
    else:
        raise ValueError("give traceID, or start and end (microseconds since the epoch)")
    return JSONResponse(jaeger.envelope(jaeger.log_records(rows)))


async def _doctor(request: Request) -> Response:
    """The doctor's verdict over a window, judged here from the database: what `tracebreak doctor
    --json` prints. The window as for /api/traces (start and end in µs, or a lookback; 10m by default);
    `settle` (a duration, 6s by default) leaves the requests with younger spans pending. With
    `request` (an x-request-id), the verdict on that one request, whatever its age; with `limit`, on
    about the newest `limit` requests of the window (a page lists a screenful, not a day); with
    `began_after` (µs), on the requests that began then or later only. The web view's pages ask with
    `page=1`: in lab mode the verdicts they get are held until the trainee asks for one."""
    params, db = request.query_params, _db(request)
    wanted = params.get("request")
    start_us, end_us = _request_window(db, wanted) if wanted else _window(params, DOCTOR_LOOKBACK_US)
    began = _int(params, "began_after", 0) or float("-inf")
    if params.get("limit"):
        start_us = db.newest_roots_from(start_us, end_us, _int(params, "limit", 0))
    settle = params.get("settle") or ("0s" if wanted else doctor_report.DEFAULT_SETTLE)
    settle_us, source = parse_duration_us(settle), str(request.base_url).rstrip("/")

    def judged() -> dict[str, Any]:
        reader = db.reader()  # a connection of its own: judging a long window must not stop ingest
        try:
            found = request.app.state.judges.judge(reader, start_us, end_us, settle_us, source, began)
        finally:
            reader.close()
        if wanted:
            found["requests"] = [r for r in found["requests"] if r["request_id"] == wanted]
        panel: ChaosPanel = request.app.state.panel
        if panel.flags and drill_state.silenced(panel.flags.parent):
            return silent(found)
        lab: LabPanel = request.app.state.lab
        return lab.held(found) if params.get("page") and lab.on() else found

    return JSONResponse(await asyncio.to_thread(judged))


def silent(found: dict[str, Any]) -> dict[str, Any]:
    """The verdicts without what names the answer, while a drill runs: whole or not, and the traces,
    stay; the signatures, findings and error origins go."""
    for verdict in found["requests"]:
        verdict.update(signatures=[], findings=[], error_origin=None)
    found["totals"]["by_signature"] = {}
    found["silenced"] = drill_state.SILENT
    return found


DOCTOR_LOOKBACK_US = parse_duration_us(doctor_report.DEFAULT_SINCE)


def _request_window(db: Database, request_id: str) -> tuple[int, int]:
    """A second either side of the request's spans: its fragments and its neighbours' are in."""
    found = db.request_span_range(request_id)
    if found is None:
        raise LookupError(f"no span carries the request id {request_id!r}")
    return found[0] - 1_000_000, found[1] + 1_000_000


async def _dependencies(request: Request) -> Response:
    """Jaeger's `/api/dependencies`: endTs and lookback in milliseconds (default: the last hour)."""
    params, db = request.query_params, _db(request)
    end_ms = _int(params, "endTs", time.time_ns() // 1_000_000)
    lookback_ms = _int(params, "lookback", 3_600_000)
    links = db.dependencies(max(0, end_ms - lookback_ms) * 1000, end_ms * 1000)
    return JSONResponse(jaeger.envelope([{"parent": p, "child": c, "callCount": n} for p, c, n in links]))


def _window(params: QueryParams, default_lookback_us: int) -> tuple[int, int]:
    """Start and end in µs, as Jaeger takes them: `end` (default now), and `start` or else `lookback`."""
    end_us = _int(params, "end", time.time_ns() // 1000)
    lookback = params.get("lookback")
    lookback_us = parse_duration_us(lookback) if lookback and lookback != "custom" else default_lookback_us
    start_us = _int(params, "start", max(0, end_us - lookback_us))
    if start_us > end_us:
        raise ValueError(f"parameter 'start' ({start_us}) is after 'end' ({end_us})")
    return start_us, end_us


QUERY_ROUTES = {
    "/api/services": _services,
    "/api/services/{service}/operations": _service_operations,
    "/api/operations": _operations,
    "/api/traces": _find_traces,
    "/api/traces/{trace_id}": _get_trace,
    "/api/logs": _logs,
    "/api/doctor": _doctor,
    "/api/dependencies": _dependencies,
}


def query_app(db: Database, panel: ChaosPanel | None = None) -> Starlette:
    """Jaeger's query API, the doctor, and the web view's pages (with the chaos panel, when given)."""
    api = [Route(path, _bad_request_as_jaeger(h)) for path, h in QUERY_ROUTES.items()]
    panel = panel or ChaosPanel()
    lab = LabPanel(panel.flags, panel.allow_remote)
    app = Starlette(routes=[*api, *panel.routes(), *lab.routes(), *pages.routes()])
    app.state.db, app.state.panel, app.state.lab = db, panel, lab
    # Long windows are judged on every core; whoever serves the app closes them (server.py).
    app.state.judges = Judges(db.path)
    return app


def _trace_id(text: str) -> str:
    trace_id = text.strip().lower()
    if not trace_id or len(trace_id) > 32 or any(c not in "0123456789abcdef" for c in trace_id):
        raise ValueError(f"{text!r} is not a trace id: up to 32 hex digits")
    return trace_id.rjust(32, "0")


def _span_query(request: Request) -> SpanQuery:
    params = request.query_params
    service = params.get("service")
    if not service:
        raise ValueError("parameter 'service' is required")
    start_us, end_us = _window(params, DEFAULT_LOOKBACK_US)
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
        limit=_int(params, "limit", DEFAULT_LIMIT) or DEFAULT_LIMIT,
    )


def _int(params: QueryParams, name: str, default: int) -> int:
    text = params.get(name)
    if not text:
        return default
    try:
        value = int(text)
    except ValueError as error:
        raise ValueError(f"parameter {name!r} must be an integer, got {text!r}") from error
    if not 0 <= value <= MAX_INT64:
        raise ValueError(f"parameter {name!r} must be between 0 and 2^63-1, got {text!r}")
    return value
