"""Service B, "auth": a gRPC server that checks the token, then asks C for enrichment over Kafka."""

import logging

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from opentelemetry import baggage, context, trace
from opentelemetry.instrumentation.grpc import aio_server_interceptor, filters

from services.service_b import auth_pb2, auth_pb2_grpc
from services.service_b.enrichment import EnrichmentClient, EnrichmentTimeout, EnrichmentUnavailable
from tracebreak import telemetry
from tracebreak.chaos import chaos
from tracebreak.client import DEMO_TOKEN
from tracebreak.correlation import REQUEST_ID_HEADER, bind

log = logging.getLogger(__name__)

SERVICE_NAME = "tracebreak.auth.v1.Auth"

# The demo's one valid bearer token, and the user it stands for.
TOKENS = {DEMO_TOKEN: "demo-user"}


class AuthService(auth_pb2_grpc.AuthServicer):
    def __init__(self, enrichment: EnrichmentClient, reply_timeout_s: float) -> None:
        self.enrichment = enrichment
        self.reply_timeout_s = reply_timeout_s

    async def AuthorizeOrder(
        self, request: auth_pb2.AuthorizeOrderRequest, context_: grpc.aio.ServicerContext
    ) -> auth_pb2.Order:
        metadata = {
            key: value for key, value in context_.invocation_metadata() or () if isinstance(value, str)
        }
        bind(metadata.get(REQUEST_ID_HEADER), trace.get_current_span(), "grpc")
        self.record_process_wide_toggles()
        user = TOKENS.get(request.token)
        if user is None:
            log.warning("token refused for order %s", request.order_id)
            await context_.abort(grpc.StatusCode.UNAUTHENTICATED, "token refused: use a valid bearer token")
        if chaos.hits("auth-error-rate"):
            log.error("order %s: the token store failed", request.order_id)
            await context_.abort(grpc.StatusCode.INTERNAL, "the token store failed (injected fault)")
        # Who the request is for travels on as baggage, for C to read (Context Law: carried, not re-derived).
        token = context.attach(baggage.set_baggage("enduser.id", user))
        try:
            # Never wait longer than the caller will: its deadline travels with the call.
            remaining = context_.time_remaining()
            timeout_s = self.reply_timeout_s if remaining is None else min(self.reply_timeout_s, remaining)
            reply = await self.enrichment.enrich(request.order_id, metadata.get(REQUEST_ID_HEADER), timeout_s)
        except EnrichmentTimeout as error:
            log.error("enrichment timed out for order %s: %s", request.order_id, error)
            await context_.abort(grpc.StatusCode.DEADLINE_EXCEEDED, str(error))
        except EnrichmentUnavailable as error:
            log.error("enrichment unreachable for order %s: %s", request.order_id, error)
            await context_.abort(grpc.StatusCode.UNAVAILABLE, str(error))
        finally:
            context.detach(token)
        if reply.get("status") == "not_found":
            await context_.abort(grpc.StatusCode.NOT_FOUND, f"order {request.order_id} does not exist")
        if reply.get("status") != "ok":
            message = f"enrichment failed: {reply.get('error', 'no reason given')}"
            log.error("order %s: %s", request.order_id, message)
            await context_.abort(grpc.StatusCode.INTERNAL, message)
        log.info("order %s authorized for %s", request.order_id, user)
        return auth_pb2.Order(**reply["order"], authorized_for=user)

    @staticmethod
    def record_process_wide_toggles() -> None:
        """Toggles that act on the whole process are recorded on each request they shape."""
        chaos.record_log_setup()
        if not telemetry.propagators_registered():
            chaos.record("propagator-not-registered", True)
        if chaos.value("sampler-not-parent-based") > 0 and not trace.get_current_span().is_recording():
            # Dropped by the sampler: the span event goes nowhere, the log line still says so.
            chaos.record("sampler-not-parent-based", chaos.value("sampler-not-parent-based"))


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


SERVING = health_pb2.HealthCheckResponse.SERVING
