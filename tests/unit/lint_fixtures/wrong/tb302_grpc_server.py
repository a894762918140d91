import grpc
from inventory import inventory_pb2_grpc
from inventory.service import Inventory


async def serve(port: int) -> None:
    server = grpc.aio.server()  # expect: TB302
    inventory_pb2_grpc.add_InventoryServicer_to_server(Inventory(), server)
    server.add_insecure_port(f"[::]:{port}")
    await server.start()
    await server.wait_for_termination()
