"""The client other services use to call service B (HotROD style: B ships its own client)."""

import grpc
from opentelemetry.instrumentation.grpc import aio_client_interceptors

from services.service_b import auth_pb2, auth_pb2_grpc
from tracebreak.chaos.catalogue import UNINSTRUMENTED_CLIENT
from tracebreak.chaos.reader import chaos
from tracebreak.runtime.correlation import REQUEST_ID_HEADER

# Reconnect quickly once B is back; while it is away calls fail fast (503).
OPTIONS = [("grpc.initial_reconnect_backoff_ms", 200), ("grpc.max_reconnect_backoff_ms", 1000)]


class AuthClient:
    def __init__(self, address: str) -> None:
        instrumented = grpc.aio.insecure_channel(
            address, interceptors=aio_client_interceptors(), options=OPTIONS
        )
        bare = grpc.aio.insecure_channel(address, options=OPTIONS)
        self._channels = (instrumented, bare)
        self._instrumented = auth_pb2_grpc.AuthStub(instrumented)
        self._bare = auth_pb2_grpc.AuthStub(bare)

    async def authorize_order(
        self, token: str, order_id: int, request_id: str | None, timeout_s: float
    ) -> auth_pb2.Order:
        """Raises grpc.aio.AioRpcError when B refuses, fails or does not answer in time."""
        if chaos.hits(UNINSTRUMENTED_CLIENT):
            # chaos: uninstrumented-client. WRONG: the call goes out on a channel made without the
            # client interceptor: no CLIENT span, no traceparent in the metadata, and B's server
            # span starts a trace of its own.
            stub = self._bare
        else:
            # RIGHT: a channel made with the official client interceptor, which starts a CLIENT
            # span and injects its context into the call's metadata.
            stub = self._instrumented
        metadata = ((REQUEST_ID_HEADER, request_id),) if request_id else ()
        request = auth_pb2.AuthorizeOrderRequest(token=token, order_id=order_id)
        return await stub.AuthorizeOrder(request, metadata=metadata, timeout=timeout_s)

    async def close(self) -> None:
        for channel in self._channels:
            await channel.close()
