"""Service A's failures: each maps to an HTTP status and a body that names it and its trace."""

import grpc
from fastapi.responses import JSONResponse
from opentelemetry import trace

from tracebreak.correlation import current_request_id


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
