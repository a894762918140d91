"""The store's OTLP/HTTP receiver (port 4318): export requests in, rows written, answered as OTLP asks."""

import gzip
import logging
import zlib
from collections.abc import Callable

from google.rpc.status_pb2 import Status
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceResponse
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tracebreak.store.database import Database
from tracebreak.traces.otlp import JSON, PROTOBUF, PayloadError, decode_logs, decode_traces

log = logging.getLogger("tracebreak.store")

DEFAULT_MAX_BODY = 16 * 1024 * 1024
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
