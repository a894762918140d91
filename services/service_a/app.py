"""Service A, "orders": the HTTP API behind Envoy. GET /orders/{order_id} asks B, which asks C."""

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Annotated

import grpc
from fastapi import FastAPI, Header, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from opentelemetry import trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.service_a import audit, errors
from services.service_b.client import AuthClient
from tracebreak.chaos import chaos
from tracebreak.correlation import REQUEST_ID_HEADER, bind, current_request_id
from tracebreak.settings import Settings

log = logging.getLogger(__name__)

INT64 = 2**63


def create_app(settings: Settings, on_shutdown: Callable[[], Awaitable[None]]) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Made here, on the server's event loop: a grpc.aio channel belongs to the loop it was made on.
        app.state.auth = AuthClient(settings.service_b_address)
        yield
        await audit.drain()
        await app.state.auth.close()
        await on_shutdown()  # uvicorn re-raises SIGTERM after this: the spans must be out by now

    app = FastAPI(title="tracebreak service A (orders)", lifespan=lifespan)

    @app.middleware("http")
    async def correlate(request: Request, call_next: Callable) -> JSONResponse:
        bind(request.headers.get(REQUEST_ID_HEADER), trace.get_current_span(), "http")
        chaos.record_log_setup()
        return await call_next(request)

    @app.exception_handler(errors.Failure)
    async def failure(request: Request, failure: errors.Failure) -> JSONResponse:
        return errors.response(failure.status, failure.error, failure.message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        name = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
        return errors.response(error.status_code, name, str(error.detail))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected failure")
        return errors.response(500, "internal_error", f"{error.__class__.__name__}: {error}")

    @app.exception_handler(RequestValidationError)
    async def malformed(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        return errors.response(422, "malformed_input", problems)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/orders/{order_id}")
    async def get_order(
        request: Request,
        order_id: Annotated[int, Path(ge=-INT64, lt=INT64)],
        authorization: Annotated[str | None, Header()] = None,
    ) -> dict:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise errors.Failure(
                401, "missing_token", "send 'Authorization: Bearer <token>' (demo: demo-token)"
            )
        try:
            order = await request.app.state.auth.authorize_order(
                token.strip(), order_id, current_request_id.get(), settings.auth_deadline_ms / 1000
            )
        except grpc.aio.AioRpcError as error:
            failure = errors.from_grpc(error)
            log.error("order %s failed: %s", order_id, failure.message)
            raise failure from error
        if order.order_id != order_id:
            # What B answered is not the order asked for: A can tell that much, not why.
            raise errors.Failure(502, "enrichment_failed", "service B answered with an empty order")
        log.info("order %s served", order_id)
        audit.start(order_id, current_request_id.get())
        return {field.name: getattr(order, field.name) for field in order.DESCRIPTOR.fields}

    # The ASGI "http send/receive" spans say nothing about propagation; leaving them out keeps traces legible.
    FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz", exclude_spans=["send", "receive"])
    return app
