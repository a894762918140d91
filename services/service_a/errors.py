"""Service A's failures: each maps to an HTTP status and a body that names it and its trace."""

import logging

import grpc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from opentelemetry import trace
from starlette.exceptions import HTTPException as StarletteHTTPException

from tracebreak.runtime.correlation import current_request_id

log = logging.getLogger(__name__)


class Failure(Exception):
    # A plain class, not a frozen dataclass: frameworks assign to an exception's __traceback__.
    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(status, error, message)
        self.status, self.error, self.message = status, error, message


# What B's status codes mean to A's callers.
GRPC_FAILURES = {
    grpc.StatusCode.UNAVAILABLE: (503, "auth_unavailable"),
    grpc.StatusCode.DEADLINE_EXCEEDED: (504, "deadline_exceeded"),
    grpc.StatusCode.UNAUTHENTICATED: (401, "token_refused"),
    grpc.StatusCode.NOT_FOUND: (404, "order_not_found"),
}


def from_grpc(error: grpc.aio.AioRpcError) -> Failure:
    status, name = GRPC_FAILURES.get(error.code(), (502, "enrichment_failed"))
    details = error.details() or error.code().name
    return Failure(status, name, f"service B answered {error.code().name}: {details}")


def response(status: int, error: str, message: str) -> JSONResponse:
    context = trace.get_current_span().get_span_context()
    trace_id = format(context.trace_id, "032x") if context.is_valid else None
    body = {"error": error, "message": message, "trace_id": trace_id, "request_id": current_request_id.get()}
    return JSONResponse(body, status_code=status)


async def failure(request: Request, raised: Failure) -> JSONResponse:
    return response(raised.status, raised.error, raised.message)


async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
    name = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
    return response(error.status_code, name, str(error.detail))


async def unexpected(request: Request, error: Exception) -> JSONResponse:
    log.exception("unexpected failure")
    return response(500, "internal_error", f"{error.__class__.__name__}: {error}")


async def malformed(request: Request, error: RequestValidationError) -> JSONResponse:
    problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
    return response(422, "malformed_input", problems)


def install(app: FastAPI) -> None:
    """Every failure answers in the one error shape, naming the request's trace."""
    app.add_exception_handler(Failure, failure)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, unexpected)
    app.add_exception_handler(RequestValidationError, malformed)  # type: ignore[arg-type]
