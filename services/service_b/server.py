"""Service B, "auth": a gRPC server that checks the token, then asks C for enrichment over Kafka."""

import logging
from typing import NoReturn

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from opentelemetry import context, trace
from opentelemetry.instrumentation.grpc import aio_server_interceptor, filters

from services.service_b import auth_pb2, auth_pb2_grpc, carried, tokens
from services.service_c.client import EnrichmentClient, EnrichmentTimeout, EnrichmentUnavailable, Reply
from tracebreak.runtime import baggage_sizes
from tracebreak.runtime.boundary import received
from tracebreak.runtime.correlation import REQUEST_ID_HEADER

log = logging.getLogger(__name__)

SERVICE_NAME = "tracebreak.auth.v1.Auth"
SERVING = health_pb2.HealthCheckResponse.SERVING


class AuthService(auth_pb2_grpc.AuthServicer):
    def __init__(self, enrichment: EnrichmentClient, reply_timeout_s: float) -> None:
        self.enrichment = enrichment
        self.reply_timeout_s = reply_timeout_s

    async def AuthorizeOrder(
        self, request: auth_pb2.AuthorizeOrderRequest, call: grpc.aio.ServicerContext
    ) -> auth_pb2.Order:
        """Receive A's call, check its token, ask C for the order with the user as baggage, answer A."""
        metadata = {key: value for key, value in call.invocation_metadata() or () if isinstance(value, str)}
        request_id = metadata.get(REQUEST_ID_HEADER)
        # The inbound boundary: the server interceptor has extracted the caller's context already.
        received(request_id, trace.get_current_span(), "grpc")
        user = await self.authenticate(request, call)
        # Who the request is for travels on as baggage, for C to read (Context Law: carried, not re-derived).
        token = context.attach(carried.request_baggage(user, tokens.tenant_for(user), request.order_id))
        baggage_sizes.record_set(trace.get_current_span())
        try:
            reply = await self.ask_enrichment(request.order_id, request_id, call)
        finally:
            context.detach(token)
        if reply.status == "not_found":
            await call.abort(grpc.StatusCode.NOT_FOUND, f"order {request.order_id} does not exist")
        if reply.status != "ok" or reply.order is None:
            await self.fail(
                call,
                grpc.StatusCode.INTERNAL,
                request,
                f"enrichment failed: {reply.error or 'no reason given'}",
            )
        log.info("order %s authorized for %s", request.order_id, user)
        return auth_pb2.Order(**reply.order, authorized_for=user)

    async def authenticate(
        self, request: auth_pb2.AuthorizeOrderRequest, call: grpc.aio.ServicerContext
    ) -> str:
        try:
            user = tokens.user_for(request.token)
        except tokens.TokenStoreFailed as error:
            await self.fail(call, grpc.StatusCode.INTERNAL, request, str(error))
        if user is None:
            log.warning("token refused for order %s", request.order_id)
            await call.abort(grpc.StatusCode.UNAUTHENTICATED, "token refused: use a valid bearer token")
        return user

    async def ask_enrichment(
        self, order_id: int, request_id: str | None, call: grpc.aio.ServicerContext
    ) -> Reply:
        """C's reply for the order; the call ends here if C cannot be reached or does not answer in time."""
        # Never wait longer than the caller will: its deadline travels with the call.
        remaining = call.time_remaining()
        timeout_s = self.reply_timeout_s if remaining is None else min(self.reply_timeout_s, remaining)
        try:
            return await self.enrichment.ask(order_id, request_id, timeout_s)
        except EnrichmentTimeout as error:
            log.error("enrichment timed out for order %s: %s", order_id, error)
            await call.abort(grpc.StatusCode.DEADLINE_EXCEEDED, str(error))
        except EnrichmentUnavailable as error:
            log.error("enrichment unreachable for order %s: %s", order_id, error)
            await call.abort(grpc.StatusCode.UNAVAILABLE, str(error))

    @staticmethod
    async def fail(
        call: grpc.aio.ServicerContext,
        code: grpc.StatusCode,
        request: auth_pb2.AuthorizeOrderRequest,
        message: str,
    ) -> NoReturn:
        log.error("order %s: %s", request.order_id, message)
        await call.abort(code, message)


def create_server(service: AuthService) -> tuple[grpc.aio.Server, health.aio.HealthServicer]:
    # The right way: the official server interceptor extracts the caller's context from the metadata.
    # Health checks are left out: each would be a root span of its own, like a broken trace.
    server = grpc.aio.server(
        interceptors=[aio_server_interceptor(filter_=filters.negate(filters.health_check()))]
    )
    auth_pb2_grpc.add_AuthServicer_to_server(service, server)
    health_service = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_service, server)
    return server, health_service
