"""Service A, "orders": the HTTP API behind Envoy. GET /orders/{order_id} asks B, which asks C."""

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Annotated

import grpc
from fastapi import FastAPI, Header, Path, Request
from fastapi.responses import JSONResponse
from opentelemetry import trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from services.service_a import audit, conformance, errors
from services.service_a.notices import Notices
from services.service_b.client import AuthClient
from tracebreak.demo import DEMO_TOKEN
from tracebreak.runtime.boundary import received
from tracebreak.runtime.correlation import REQUEST_ID_HEADER, current_request_id
from tracebreak.runtime.settings import Settings

log = logging.getLogger(__name__)

INT64 = 2**63
OrderId = Annotated[int, Path(ge=-INT64, lt=INT64)]


def create_app(settings: Settings, on_shutdown: Callable[[], Awaitable[None]]) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Made here, on the server's event loop: a grpc.aio channel belongs to the loop it was made on.
        app.state.auth = AuthClient(settings.service_b_address)
        app.state.notices = Notices()
        yield
        await audit.drain()
        await app.state.notices.drain()
        await app.state.auth.close()
        await on_shutdown()  # uvicorn re-raises SIGTERM after this: the spans must be out by now

    app = FastAPI(title="tracebreak service A (orders)", lifespan=lifespan)
    app.middleware("http")(inbound_boundary)
    errors.install(app)
    app.get("/healthz")(healthz)
    if settings.conformance_endpoint:
        app.include_router(conformance.router)

    @app.get("/orders/{order_id}", responses=errors.RESPONSES)
    async def get_order(
        request: Request, order_id: OrderId, authorization: Annotated[str | None, Header()] = None
    ) -> dict:
        state = request.app.state
        return await serve_order(
            state.auth, state.notices, order_id, authorization, settings.auth_deadline_ms / 1000
        )

    # The ASGI "http send/receive" spans say nothing about propagation; leaving them out keeps traces legible.
    FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz", exclude_spans=["send", "receive"])
    return app


async def inbound_boundary(request: Request, call_next: Callable) -> JSONResponse:
    # The FastAPI instrumentation has extracted the caller's context already.
    received(request.headers.get(REQUEST_ID_HEADER), trace.get_current_span(), "http")
    return await call_next(request)


async def serve_order(
    auth: AuthClient, notices: Notices, order_id: int, authorization: str | None, deadline_s: float
) -> dict:
    """GET /orders/{order_id}: the bearer token checked, the order asked of B (which asks C), and
    the audit and the notice of the order started once it is served."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise errors.Failure(
            401, "missing_token", f"send 'Authorization: Bearer <token>' (demo: {DEMO_TOKEN})"
        )
    try:
        found = await auth.authorize_order(token.strip(), order_id, current_request_id.get(), deadline_s)
    except grpc.aio.AioRpcError as error:
        failure = errors.from_grpc(error)
        log.error("order %s failed: %s", order_id, failure.message)
        raise failure from error
    if found.order_id != order_id:
        # What B answered is not the order asked for: A can tell that much, not why.
        raise errors.Failure(502, "enrichment_failed", "service B answered with an empty order")
    log.info("order %s served", order_id)
    audit.start(order_id, current_request_id.get())
    notices.send(order_id, current_request_id.get())
    return {field.name: getattr(found, field.name) for field in found.DESCRIPTOR.fields}


async def healthz() -> dict[str, str]:
    return {"status": "ok"}
