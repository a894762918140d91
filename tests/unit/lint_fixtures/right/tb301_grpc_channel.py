import grpc
from inventory import inventory_pb2_grpc
from opentelemetry.instrumentation.grpc import aio_client_interceptors, client_interceptor


class InventoryClient:
    def __init__(self, address: str) -> None:
        self.channel = grpc.aio.insecure_channel(address, interceptors=aio_client_interceptors())
        self.stub = inventory_pb2_grpc.InventoryStub(self.channel)


def blocking_stub(address: str) -> inventory_pb2_grpc.InventoryStub:
    channel = grpc.insecure_channel(address)
    return inventory_pb2_grpc.InventoryStub(grpc.intercept_channel(channel, client_interceptor()))
