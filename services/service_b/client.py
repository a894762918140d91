"""The client other services use to call service B (HotROD style: B ships its own client)."""

import grpc
from opentelemetry.instrumentation.grpc import aio_client_interceptors

from services.service_b import auth_pb2, auth_pb2_grpc
from tracebreak.correlation import REQUEST_ID_HEADER


class AuthClient:
    def __init__(self, address: str) -> None:
        # The right way: the official client interceptor starts a CLIENT span and injects its
        # context into the call's metadata.
        self._channel = grpc.aio.insecure_channel(
            address,
            interceptors=aio_client_interceptors(),
            # While B is away calls fail fast (503); once it is back, A finds it within a second.
            options=[("grpc.initial_reconnect_backoff_ms", 200), ("grpc.max_reconnect_backoff_ms", 1000)],
        )
        self._stub = auth_pb2_grpc.AuthStub(self._channel)

    async def authorize_order(
        self, token: str, order_id: int, request_id: str | None, timeout_s: float
    ) -> auth_pb2.Order:
        """Raises grpc.aio.AioRpcError when B refuses, fails or does not answer in time."""
        metadata = ((REQUEST_ID_HEADER, request_id),) if request_id else ()
        return await self._stub.AuthorizeOrder(
            auth_pb2.AuthorizeOrderRequest(token=token, order_id=order_id),
            metadata=metadata,
            timeout=timeout_s,
        )

    async def close(self) -> None:
        await self._channel.close()
