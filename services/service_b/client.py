"""The client other services use to call service B (HotROD style: B ships its own client)."""

import grpc
from opentelemetry.instrumentation.grpc import aio_client_interceptors

from services.service_b import auth_pb2, auth_pb2_grpc
from tracebreak.chaos import chaos
from tracebreak.correlation import REQUEST_ID_HEADER


class AuthClient:
    def __init__(self, address: str) -> None:
        # Reconnect quickly once B is back; while it is away calls fail fast (503).
        options = [("grpc.initial_reconnect_backoff_ms", 200), ("grpc.max_reconnect_backoff_ms", 1000)]
        # RIGHT: the official client interceptor starts a CLIENT span and injects its context
        # into the call's metadata.
        self._traced = grpc.aio.insecure_channel(
            address, interceptors=aio_client_interceptors(), options=options
        )
        # chaos: uninstrumented-client. WRONG: a channel made without the interceptor: the call
        # carries no traceparent, and B's server span starts a trace of its own.
        self._plain = grpc.aio.insecure_channel(address, options=options)
        self._traced_stub = auth_pb2_grpc.AuthStub(self._traced)
        self._plain_stub = auth_pb2_grpc.AuthStub(self._plain)

    async def authorize_order(
        self, token: str, order_id: int, request_id: str | None, timeout_s: float
    ) -> auth_pb2.Order:
        """Raises grpc.aio.AioRpcError when B refuses, fails or does not answer in time."""
        metadata = ((REQUEST_ID_HEADER, request_id),) if request_id else ()
        # chaos: uninstrumented-client picks the WRONG channel above; the RIGHT one otherwise.
        stub = self._plain_stub if chaos.hits("uninstrumented-client") else self._traced_stub
        return await stub.AuthorizeOrder(
            auth_pb2.AuthorizeOrderRequest(token=token, order_id=order_id),
            metadata=metadata,
            timeout=timeout_s,
        )

    async def close(self) -> None:
        await self._traced.close()
        await self._plain.close()
