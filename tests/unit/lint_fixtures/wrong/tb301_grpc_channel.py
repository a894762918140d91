import grpc
from inventory import inventory_pb2_grpc


class InventoryClient:
    def __init__(self, address: str) -> None:
        self.channel = grpc.aio.insecure_channel(address)  # expect: TB301
        self.stub = inventory_pb2_grpc.InventoryStub(self.channel)


def blocking_stub(address: str) -> inventory_pb2_grpc.InventoryStub:
    return inventory_pb2_grpc.InventoryStub(grpc.insecure_channel(address))  # expect: TB301
