"""Parts spawned many times from a process that holds what the local stack's runner holds: an open
gRPC channel, in use by another thread. test_spawn.py runs it in a process of its own, so that a spawn
that hangs inside fork(), where no Python code runs, still meets the test's deadline. It prints, as
JSON, how many spawns ran Python code around the fork and how many replaced gRPC's threads (which
gRPC's fork handlers do: they stop its threads before a fork and start new ones after).

    python -m tests.support.spawn_beside_grpc SPAWNS LOG
"""

import json
import os
import sys
import threading
from concurrent import futures
from pathlib import Path

import grpc
from grpc_health.v1 import health, health_pb2_grpc

from tracebreak.local.parts import GrpcHealth
from tracebreak.local.processes import Process

# gRPC's timer manager and its thread pool's lifeguard: one of each while gRPC runs.
LONG_LIVED = {"grpc_global_tim", "lifeguard"}


def grpc_threads() -> set[int]:
    """The ids of gRPC's long-lived threads in this process."""
    found = set()
    for task in Path("/proc/self/task").iterdir():
        try:
            if (task / "comm").read_text().strip() in LONG_LIVED:
                found.add(int(task.name))
        except OSError:  # the thread ended meanwhile
            continue
    return found


def serve() -> tuple[grpc.Server, str]:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    health_pb2_grpc.add_HealthServicer_to_server(health.HealthServicer(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, f"127.0.0.1:{port}"


def spawn_many(spawns: int, log: Path) -> dict[str, int]:
    python_at_fork: list[int] = []
    os.register_at_fork(before=lambda: python_at_fork.append(1))
    replaced = failed = 0
    for _ in range(spawns):
        before = grpc_threads()
        part = Process("part", ["true"], dict(os.environ), log, lambda: None)
        part.start()
        replaced += bool(before - grpc_threads())
        failed += part.popen.wait(10) != 0  # type: ignore[union-attr]
        part.stop()
    return {"spawns": spawns, "python_at_fork": len(python_at_fork), "grpc_threads_replaced": replaced,
            "grpc_threads": len(grpc_threads()), "failed": failed}  # fmt: skip


def main(spawns: int, log: Path) -> None:
    server, address = serve()
    check = GrpcHealth(address)
    assert check() is None, "the health server does not answer"
    stopping = threading.Event()

    def keep_checking() -> None:
        while not stopping.is_set():
            check()

    checker = threading.Thread(target=keep_checking, name="health-checker")
    checker.start()
    try:
        print(json.dumps(spawn_many(spawns, log)))
    finally:
        stopping.set()
        checker.join()
        check.close()
        server.stop(None)


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
