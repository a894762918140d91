"""Service A's failures: each maps to an HTTP status and a body that names it and its trace."""

import logging

import grpc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from opentelemetry import trace
from pydantic import BaseModel
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


class ErrorBody(BaseModel):
    """Every failure's answer: what failed, why, and where its trace is."""

    error: str
    message: str
    trace_id: str | None
    request_id: str | None


# Every status GET /orders/{order_id} answers with besides 200, as the OpenAPI document declares it.
ORDER_FAILURES = {
    401: "missing_token: no bearer token; token_refused: B refused it",
    404: "order_not_found: C's database has no such order",
    422: "malformed_input: the order id is not a 64-bit integer",
    500: "internal_error: an unexpected failure in A",
    502: "enrichment_failed: C answered with a failure, B with an empty order, or B failed on its own",
    503: "auth_unavailable: B cannot be reached, or cannot hand the request to the broker",
    504: "deadline_exceeded: no reply from C within B's deadline, or no answer from B within A's",
}
RESPONSES: dict[int | str, dict] = {
    status: {"model": ErrorBody, "description": meaning} for status, meaning in ORDER_FAILURES.items()
}


def from_grpc(error: grpc.aio.AioRpcError) -> Failure:
    status, name = GRPC_FAILURES.get(error.code(), (502, "enrichment_failed"))
    details = error.details() or error.code().name
    return Failure(status, name, f"service B answered {error.code().name}: {details}")


def response(status: int, error: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    context = trace.get_current_span().get_span_context()
    trace_id = format(context.trace_id, "032x") if context.is_valid else None
    body = ErrorBody(error=error, message=message, trace_id=trace_id, request_id=current_request_id.get())
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


async def failure(request: Request, raised: Failure) -> JSONResponse:
    return response(raised.status, raised.error, raised.message)


async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
    name = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
    # A 405 carries the methods the path allows (RFC 9110, 15.5.6), as Starlette's router gives them.
    return response(error.status_code, name, str(error.detail), headers=error.headers)


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
